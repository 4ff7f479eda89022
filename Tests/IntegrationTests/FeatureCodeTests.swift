import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Feature codes through the real CLI and engine, and dialled by sipp.
    @Suite("Feature codes")
    struct FeatureCodeTests {
        /// A call from 1001 (which has a mailbox) to `code` that talks for a moment and hangs up.
        private func dialMailbox(_ pbx: TestPBX, _ code: String, tone: URL) throws -> SippPeer {
            try pbx.phone(.callSayHangUp).service(code).caller(Fixture.caller).key("pcap", tone.path)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
        }

        @Test(
            "after 'featurecode set voicemail-own *55' a call to *55 is answered by the mailbox menu and *97 gets 404; reset brings *97 back"
        )
        func changedCodeIsDialled() async throws {
            try await TestPBX.run { pbx in
                let tone = pbx.scratch.file("tone.pcap")
                try TonePCAP.write(to: tone, frequency: 1000, seconds: 1)
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed(["ext", "set", Fixture.caller, "--voicemail", "on", "--vm-pin", "4711"])

                let changed = try await pbx.cli.json(
                    FeatureCodeInfo.self, ["featurecode", "set", "voicemail-own", "*55"])
                #expect(changed.code == "*55" && changed.defaultCode == "*97" && changed.custom)

                try await pbx.run(try dialMailbox(pbx, "*55", tone: tone), name: "dial-55").requireSuccess()
                let answered = try await pbx.cdr(from: Fixture.caller, to: "*55")
                #expect(answered.disposition == .answered)
                #expect(answered.path?.first == "feature:*55", "path: \(String(describing: answered.path))")

                let old = try pbx.phone(.callExpectNotFound).service("*97").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(old, name: "dial-97").requireSuccess()
                let refused = try await pbx.cdr(from: Fixture.caller, to: "*97")
                #expect(refused.disposition == .failed)

                let reset = try await pbx.cli.json(FeatureCodeInfo.self, ["featurecode", "reset", "voicemail-own"])
                #expect(reset.code == "*97" && !reset.custom)
                try await pbx.run(try dialMailbox(pbx, "*97", tone: tone), name: "dial-97-again").requireSuccess()
                let again = try await eventually("an answered call to *97") {
                    try await pbx.cdrs().first { $0.callee == "*97" && $0.disposition == .answered }
                }
                #expect(again.path?.first == "feature:*97")
            }
        }

        @Test(
            "list, set and reset with --json and tables; bad codes, unknown names and taken codes are refused; kept across a restart"
        )
        func administration() async throws {
            try await TestPBX.run { pbx in
                let defaults = try await pbx.cli.json([FeatureCodeInfo].self, ["featurecode", "list"])
                #expect(
                    defaults.map(\.name) == [
                        "voicemail-own", "voicemail-any", "agent-login", "listen", "whisper", "barge", "pickup", "forward-always",
                        "forward-always-off", "forward-busy", "forward-busy-off", "forward-no-answer", "forward-no-answer-off",
                        "withhold-number", "show-number", "park", "park-pickup", "dnd-on", "dnd-off",
                    ])
                #expect(
                    defaults.map(\.code) == ["*97", "*98", "*45", "*222", "*223", "*224", "*8", "*72", "*73", "*90", "*91", "*52", "*53", "*31", "*32", "*70", "*71", "*78", "*79"]
                        && defaults.allSatisfy { !$0.custom })
                #expect(defaults.allSatisfy { !$0.summary.isEmpty && $0.code == $0.defaultCode })

                for bad in ["97", "*", "*1234567", "*9a", "**9"] {
                    let result = try await pbx.cli.run(["featurecode", "set", "voicemail-own", bad])
                    #expect(result.exitCode == 1 && result.stderr.contains("invalid_argument"), "\(result.summary)")
                    #expect(result.stderr.contains("* or # followed by 1 to 6 digits"), "\(result.summary)")
                }
                let unknown = try await pbx.cli.run(["featurecode", "set", "intercom", "*81"])
                #expect(unknown.exitCode == 1 && unknown.stderr.contains("not_found"), "\(unknown.summary)")
                #expect(unknown.stderr.contains("voicemail-own, voicemail-any"), "\(unknown.summary)")
                let unknownReset = try await pbx.cli.run(["featurecode", "reset", "intercom"])
                #expect(unknownReset.exitCode == 1 && unknownReset.stderr.contains("not_found"))
                // A code followed by a number must not start another code, nor be started by one.
                for clash in [["listen", "*9"], ["voicemail-own", "*2221"]] {
                    let result = try await pbx.cli.run(["featurecode", "set"] + clash)
                    #expect(result.exitCode == 1 && result.stderr.contains("conflict"), "\(result.summary)")
                    #expect(result.stderr.contains("start alike"), "\(result.summary)")
                }
                let taken = try await pbx.cli.run(["featurecode", "set", "voicemail-own", "*98"])
                #expect(taken.exitCode == 1 && taken.stderr.contains("conflict"), "\(taken.summary)")
                #expect(taken.stderr.contains("voicemail-any"), "\(taken.summary)")
                #expect(taken.stdout.contains("conflict"), "--json prints the error too: \(taken.summary)")
                for usage in [
                    ["featurecode", "set", "voicemail-own"], ["featurecode", "reset"], ["featurecode", "frob"],
                ] {
                    let result = try await pbx.cli.run(usage)
                    #expect(result.exitCode == 2, "\(result.summary)")
                }
                let unchanged = try await pbx.cli.json([FeatureCodeInfo].self, ["featurecode", "list"])
                #expect(unchanged == defaults)

                let moved = try await pbx.cli.json(
                    FeatureCodeInfo.self, ["featurecode", "set", "voicemail-any", "#31"])
                #expect(moved.code == "#31" && moved.custom)
                // *98 is free now; giving the default back is a reset.
                try await pbx.cli.succeed(["featurecode", "set", "voicemail-own", "*98"])
                let backToDefault = try await pbx.cli.json(
                    FeatureCodeInfo.self, ["featurecode", "set", "voicemail-own", "*97"])
                #expect(backToDefault.code == "*97" && !backToDefault.custom)
                let table = try await pbx.cli.run(["featurecode", "list"], json: false)
                #expect(
                    table.succeeded && table.stdout.contains("NAME") && table.stdout.contains("#31"), "\(table.summary)"
                )

                try await pbx.restart()
                let afterRestart = try await pbx.cli.json([FeatureCodeInfo].self, ["featurecode", "list"])
                #expect(afterRestart.map(\.code) == ["*97", "#31", "*45", "*222", "*223", "*224", "*8", "*72", "*73", "*90", "*91", "*52", "*53", "*31", "*32", "*70", "*71", "*78", "*79"])
                let human = try await pbx.cli.run(["featurecode", "reset", "voicemail-any"], json: false)
                #expect(human.succeeded && human.stdout.contains("*98"), "\(human.summary)")
                let methods = try await pbx.cli.run(["rpc", "system.listMethods"])
                #expect(methods.stdout.contains("featurecode.set"))
            }
        }
    }
}
