import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// RFC 3261 §8.2.2.3: a request that requires an extension the engine does not implement
/// gets 420 Bad Extension, listing it in Unsupported, and nothing else happens.
@Suite("Require: 420 Bad Extension", .timeLimit(.minutes(1)))
struct RequireTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("an INVITE requiring 100rel and timer gets 420 naming both; nothing rings, no CDR")
    func inviteRequiringExtensions() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            var invite = alice.invite(desk.number, sdp: alice.sdp())
            invite.headers.add("Require", "100rel, timer")
            pbx.send(invite, from: alice)
            let refused = try await pbx.outbound.response(420, .invite, to: alice.address)
            #expect(refused.headers.values("Unsupported") == ["100rel", "timer"])
            // The phone sends it again without the requirement: an ordinary call.
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: desk.address) } == 1)
            #expect(await pbx.core.currentStatistics().callsStarted == 1)
        }
    }

    /// Outbound (RFC 5626) is not built: the registrar binds an instance but keeps no flows.
    /// (`path` is accepted on REGISTER since stop 45: RegistrarPathTests.)
    @Test("a REGISTER requiring outbound (RFC 5626) gets 420 and binds nothing")
    func registerRequiringOutbound() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var register = desk.register()
            register.headers.add("Require", "outbound")
            pbx.send(register, from: desk)
            let refused = try await pbx.outbound.response(420, .register, to: desk.address)
            #expect(refused.headers["Unsupported"] == "outbound")
            #expect(await pbx.core.registrations(extension: desk.number).isEmpty)
        }
    }

    @Test("an empty Require line asks for nothing")
    func emptyRequire() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var options = SIPRequest(
                method: .options, uri: SIPURI(host: Phone.domain),
                headers: SIPHeaders([
                    ("Via", alice.via()), ("Max-Forwards", "70"), ("From", "<sip:100@vpbx.test>;tag=o1"),
                    ("To", "<sip:vpbx.test>"), ("Call-ID", "options-require@phone"), ("CSeq", "1 OPTIONS"),
                ]))
            options.headers.add("Require", "")
            pbx.send(options, from: alice)
            _ = try await pbx.outbound.response(200, .options, to: alice.address)
        }
    }
}
