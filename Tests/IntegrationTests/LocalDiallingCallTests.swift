import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Local dialling against the real engine and a sipp provider: `vpbx numbering set` makes
    /// the area's local numbers and an outside-line prefix dialable from a phone.
    @Suite("Local dialling")
    struct LocalDiallingCallTests {
        @Test(
            "a local number after the outside-line prefix reaches the provider in full; bad settings are refused and lose nothing"
        )
        func localNumberAfterThePrefix() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar)

                let before = try await pbx.cli.json(NumberingInfo.self, ["numbering", "show"])
                #expect(before == NumberingInfo(areaCode: nil, localDigits: nil, outsidePrefix: nil), "\(before)")
                let notLocal = try await pbx.cli.run(["outroute", "test", "2345678"])
                #expect(notLocal.exitCode == 1 && notLocal.stderr.contains("no public number"), "\(notLocal.summary)")

                let set = try await pbx.cli.json(
                    NumberingInfo.self, ["numbering", "set", "--area-code", "06 1", "--outside-prefix", "0"])
                #expect(set == NumberingInfo(areaCode: "1", localDigits: 7, outsidePrefix: "0"), "\(set)")
                let mobileArea = try await pbx.cli.run(["numbering", "set", "--area-code", "30"])
                #expect(
                    mobileArea.exitCode == 1 && mobileArea.stderr.contains("not a Hungarian geographic area code"),
                    "\(mobileArea.summary)")
                let badPrefix = try await pbx.cli.run(["numbering", "set", "--outside-prefix", "*9"])
                #expect(
                    badPrefix.exitCode == 1 && badPrefix.stderr.contains("outside-line prefix"), "\(badPrefix.summary)")
                let nothing = try await pbx.cli.run(["numbering", "set"])
                #expect(nothing.exitCode != 0 && nothing.stderr.contains("nothing to change"), "\(nothing.summary)")
                #expect(try await pbx.cli.json(NumberingInfo.self, ["numbering", "show"]) == set, "refusals keep it")
                let shown = try await pbx.cli.run(["numbering", "show"], json: false)
                #expect(shown.stdout.contains("7 digits") && shown.stdout.contains("0 (optional"), "\(shown.stdout)")

                let routed = try await pbx.cli.json(OutboundRouteTestResult.self, ["outroute", "test", "0 234 5678"])
                #expect(routed.number == "+3612345678" && routed.trunks == ["provider"], "\(routed)")
                let forwarded = try await pbx.cli.json(
                    ExtensionInfo.self, ["ext", "set", Fixture.caller, "--forward-busy", "234 5678"])
                #expect(forwarded.forwardBusy == "+3612345678", "kept in full: \(forwarded)")

                let (_, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "02345678", provider: provider, ears: (callerEar, providerEar))
                let answered = try #require(providerResult.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(answered.hasPrefix("INVITE sip:+3612345678@\(TrunkCallTests.providerAddress):"), "\(answered)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+3612345678")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")

                // The records are searched for as the number was dialled.
                for typed in ["234 5678", "02345678"] {
                    let found = try await pbx.cli.json([CDRInfo].self, ["cdr", "search", "--number", typed])
                    #expect(found.map(\.id) == [cdr.id], "\(typed): \(found)")
                }

                let cleared = try await pbx.cli.json(
                    NumberingInfo.self, ["numbering", "set", "--area-code", "none", "--outside-prefix", "none"])
                #expect(cleared == before, "\(cleared)")
            }
        }
    }
}
