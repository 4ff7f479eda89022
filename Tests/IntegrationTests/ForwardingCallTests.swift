import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Call forwarding set with `vpbx ext set` against the real engine and sipp phones: a busy
    /// desk's call goes out to a mobile through a sipp provider (both hear each other's tone),
    /// and an unanswered desk's call rings another extension after the desk's ring time.
    @Suite("Call forwarding")
    struct ForwardingCallTests {
        static let target = "1003"

        @Test("busy forwarding to a mobile: the desk's 486 sends the call out through the trunk with Diversion user-busy; both talk")
        func busyToAMobile() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let busy = try SippPeer(.busy)
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: busy, number: Fixture.callee))
                let busyProcess = try pbx.start(busy, name: "busy-desk")
                try await Task.sleep(for: .milliseconds(300))
                try await busyProcess.requireListening()
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar)

                let refused = try await pbx.cli.run(["ext", "set", Fixture.callee, "--forward-busy", "06 30 abc"])
                #expect(refused.exitCode == 2, "\(refused.summary)")
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--forward-busy", "06 30 999 8877"])
                let shown = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee])
                #expect(shown.forwardBusy == "+36309998877" && shown.forwardAlways == nil)

                // An inside caller is shown by the trunk's number whatever --pass-caller-id says.
                try await pbx.cli.succeed(["trunk", "set", "provider", "--pass-caller-id", "on"])
                let trunk = try await pbx.cli.run(["trunk", "show", "provider"], json: false)
                #expect(trunk.stdout.contains("shown by their own number"), "\(trunk.stdout)")
                let (_, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: Fixture.callee, provider: provider, ears: (callerEar, providerEar))
                try (await busyProcess.finish()).requireSuccess()  // its 486 was ACKed
                let invites = providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }
                #expect(!invites.isEmpty)
                for invite in invites {
                    #expect(invite.contains("From: \"Test \(Fixture.caller)\" <sip:+3612345600@"), "\(invite)")
                    #expect(
                        invite.contains("Diversion: <sip:+3612345600@\(TrunkCallTests.providerAddress)>;reason=user-busy;counter=1"),
                        "\(invite)")
                }
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered, "\(cdr)")
                #expect(cdr.path == ["forward:\(Fixture.callee)=busy", "out:+36309998877"], "\(cdr)")
            }
        }

        @Test("no-answer forwarding to an extension: after the desk's 5 s the desk is cancelled and the target answers with Diversion no-answer")
        func noAnswerToAnExtension() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let ringing = try SippPeer(.ring)
                let answering = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee), noAnswerTimeout: 5,
                    staticContact: pbx.contact(of: ringing, number: Fixture.callee))
                try await pbx.addExtension(
                    Self.target, password: Fixture.password(Self.target),
                    staticContact: pbx.contact(of: answering, number: Self.target))
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--forward-no-answer", Self.target])
                let list = try await pbx.cli.run(["ext", "list"], json: false)
                #expect(list.stdout.contains("no-answer \(Self.target)"), "\(list.stdout)")
                let answeringProcess = try pbx.start(answering, name: "target")
                try await Task.sleep(for: .milliseconds(300))
                try await answeringProcess.requireListening()
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, ringingResult) = try await pbx.call(caller: caller, callee: ringing)
                try callerResult.requireSuccess()
                try ringingResult.requireSuccess()  // it got its CANCEL
                let answeringResult = await answeringProcess.finish()
                try answeringResult.requireSuccess()
                let invite = try #require(answeringResult.receivedMessages().first { $0.hasPrefix("INVITE") })
                #expect(invite.contains("Diversion: <sip:\(Fixture.callee)@"), "\(invite)")
                #expect(invite.contains(";reason=no-answer;counter=1"), "\(invite)")
                let cdr = try await eventually("the call's finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path == ["forward:\(Fixture.callee)=no-answer", "ext:\(Self.target)"], "\(cdr)")

                // Switched off, the extension rings (and fails) on its own again.
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--forward-no-answer", ""])
                let cleared = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee])
                #expect(cleared.forwardNoAnswer == nil)
            }
        }

        @Test("from the phone: *72 with a mobile number sets forward-always (kept in E.164), *73 clears it, *90 with a non-number is refused")
        func featureCodes() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let follower = try EventFollower(pbx.cli, topics: ["extension"])
                _ = try await follower.snapshotSeq()
                func dial(_ code: String) async throws -> [String]? {
                    let phone = try pbx.phone(.callAwaitBye).service(code).caller(Fixture.caller)
                        .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                    try await pbx.run(phone, name: "dial-\(code)").requireSuccess()
                    return try await eventually("the record of the call to \(code)") {
                        try await pbx.cdrs().first { $0.callee == code && $0.disposition == .answered }
                    }.path
                }
                #expect(try await dial("*7206309998877") == ["feature:*7206309998877", "forward-always=on"])
                let set = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller])
                #expect(set.forwardAlways == "+36309998877")
                // A console showing the extension hears of the change.
                _ = try await eventually("the extension.updated event") {
                    try follower.events().first { $0.type == "extension.updated" }
                }
                await follower.stop()

                #expect(try await dial("*73") == ["feature:*73", "forward-always=off"])
                #expect(try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller]).forwardAlways == nil)

                #expect(try await dial("*90123456") == ["feature:*90123456", "forward-busy=refused"])
                #expect(try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller]).forwardBusy == nil)
            }
        }
    }
}
