import Foundation
import Testing
import VPBXControl

extension Integration {
    /// A phone's own call forwarding against the real engine: 1002's sipp rings, then answers
    /// 302 naming 1003; the engine rings 1003 (another sipp) and connects 1001 there.
    @Suite("Redirection")
    struct RedirectionCallTests {
        static let target = "1003"

        @Test("a phone's 302 is followed: the extension its Contact names rings and answers, the caller never sees the 302")
        func followed() async throws {
            try await TestPBX.run { pbx in
                let forwarding = try SippPeer(.forward).key("target", Self.target)
                let answering = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: forwarding, number: Fixture.callee))
                try await pbx.addExtension(
                    Self.target, password: Fixture.password(Self.target),
                    staticContact: pbx.contact(of: answering, number: Self.target))
                let answeringProcess = try pbx.start(answering, name: "target")
                try await Task.sleep(for: .milliseconds(300))
                try await answeringProcess.requireListening()
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, forwardingResult) = try await pbx.call(caller: caller, callee: forwarding)
                try callerResult.requireSuccess()
                try forwardingResult.requireSuccess()  // its 302 was ACKed
                let answeringResult = await answeringProcess.finish()
                try answeringResult.requireSuccess()
                let invite = try #require(answeringResult.receivedMessages().first { $0.hasPrefix("INVITE") })
                #expect(invite.contains("Diversion: <sip:\(Fixture.callee)@"), "the forwarded-to phone is told whom the call was for")
                #expect(!callerResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 302") })

                let cdr = try await eventually("the call's finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path == ["redirect:\(Self.target)"])
            }
        }
    }
}
