import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Contact checks (`vpbx ext set N --qualify SECONDS`): the engine sends OPTIONS to static
    /// contacts; a phone that answers is reachable, one that does not is not rung.
    @Suite("Contact checks")
    struct ContactCheckTests {
        @Test("a sipp phone answering OPTIONS is reachable with a round trip; a silent contact is unreachable and a call to it gets 480")
        func reachableAndSilent() async throws {
            try await TestPBX.run { pbx in
                let phone = try SippPeer(.answerOptions)
                let phoneProcess = try pbx.start(phone, name: "phone")
                try await Task.sleep(for: .milliseconds(300))
                try await phoneProcess.requireListening()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: phone, number: Fixture.callee))
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--qualify", "30"])
                try await phoneProcess.finish().requireSuccess()  // it got OPTIONS and answered
                let reachable = try await eventually("reachable") {
                    try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee]).contacts?.first {
                        $0.reachability == .reachable
                    }
                }
                #expect(reachable.rttMs != nil && !reachable.registered)
                let shown = try await pbx.cli.run(["ext", "show", Fixture.callee], json: false)
                #expect(shown.succeeded)
                #expect(shown.stdout.contains("every 30 s") && shown.stdout.contains("reachable"), "\(shown.stdout)\n\(shown.stderr)")

                // Nobody listens on this port: the check goes unanswered.
                let silent = try FreePorts.udpPort()
                try await pbx.addExtension("1003", password: Fixture.password("1003"), staticContact: "sip:1003@127.0.0.1:\(silent)")
                try await pbx.cli.succeed(["ext", "set", "1003", "--qualify", "30"])
                _ = try await eventually("unreachable", timeout: .seconds(15)) {
                    try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", "1003"]).contacts?.first {
                        $0.reachability == .unreachable
                    }
                }
                let listed = try await pbx.extensions()
                #expect(listed.first { $0.number == "1003" }?.staticContactReachability == .unreachable)
                #expect(listed.first { $0.number == Fixture.callee }?.staticContactReachability == .reachable)
                let caller = try pbx.phone(.callExpectUnavailable).service("1003").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "caller").requireSuccess()
                #expect(try await pbx.cdr(from: Fixture.caller, to: "1003").disposition == .failed)

                // A check on demand waits for the answer or the timeout, and says so.
                let checked = try await pbx.cli.json(ExtensionInfo.self, ["ext", "check", "1003"])
                #expect(checked.contacts?.map(\.reachability) == [.unreachable])
                let missing = try await pbx.cli.run(["ext", "check", "1999"])
                #expect(missing.exitCode == 1 && missing.stderr.contains("does not exist"), "\(missing.stderr)")
            }
        }

        @Test("a registered phone that went away: reg list shows it unreachable, calls to it get 480 at once; registering again makes it rung")
        func registeredPhoneGone() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension("1003", password: Fixture.password("1003"))
                try await pbx.cli.succeed(["ext", "set", "1003", "--qualify", "30"])
                // sipp registers and exits: nothing answers the engine's OPTIONS on that port.
                let registering = try pbx.phone(.register).service("1003").credentials(
                    user: "1003", password: Fixture.password("1003"))
                try await pbx.run(registering, name: "register").requireSuccess()  // a new contact: checked at once
                let gone = try await eventually("unreachable in reg list") {
                    try await pbx.registrations().first { $0.extension == "1003" && $0.reachability == .unreachable }
                }
                #expect(gone.rttMs == nil)
                let listed = try await pbx.cli.run(["reg", "list", "1003"], json: false)
                #expect(listed.stdout.contains("unreachable"), "\(listed.stdout)")
                let refused = try pbx.phone(.callExpectUnavailable).service("1003").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(refused, name: "refused").requireSuccess()

                try await pbx.run(registering, name: "register-again").requireSuccess()
                let back = try #require(try await pbx.registrations().first { $0.extension == "1003" })
                #expect(back.reachability == .unknown, "rung again until the next check")
            }
        }
    }
}
