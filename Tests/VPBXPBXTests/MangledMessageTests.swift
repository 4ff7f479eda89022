import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXTestSupport

/// Garbage that still parses reaches the core: INVITEs and callee answers with bytes of their
/// head or SDP body replaced, dropped or repeated at random (seeded). Whatever the core makes
/// of them, it must not trap (that would end the test process), must answer what it can, and
/// must still put a normal call through afterwards.
@Suite("Calls: mangled messages", .timeLimit(.minutes(2)))
struct MangledMessageTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// What SIP and SDP are written with, so that mutations make near-misses, not only garbage.
    static let mangler = ByteMangler(alphabet: "0123456789 /:;=<>@,.-\"\r\nacmostv PCMAUINVTEsipSIP\u{FF}", changes: 1...3)

    /// `message` with its head or its body mangled: a head goes through the parser (as a
    /// datagram would), a body is what the parser hands on with a matching Content-Length.
    static func mangled<Message: MangleableMessage>(_ message: Message, _ generator: inout SeededGenerator) -> Message? {
        if Bool.random(using: &generator) {
            var changed = message
            changed.body = mangler.mangle(message.body, using: &generator)
            return changed
        }
        guard let parsed = try? SIPParser().parse(mangler.mangle(message.serialized(), using: &generator)) else { return nil }
        return Message.same(kind: parsed)
    }

    @Test("300 mangled INVITEs and answers: the core answers the caller, rings the callee where it can, and still connects a normal call")
    func mangledCallsLeaveTheCoreWorking() async throws {
        var configuration = PBXHarness.configuration
        configuration.trustedNetworks = [try CIDR(parsing: "\(alice.address.host)/32")]  // no digest for the garbage
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            try await pbx.register(desk)
            var generator = SeededGenerator(seed: 0x1CE_2026)
            var sentInvites = 0
            var calleeInvites = 0
            for round in 0..<300 {
                let invite = alice.invite(desk.number, sdp: alice.sdp(), callID: "mangled-\(round)")
                guard let request = Self.mangled(invite, &generator) else { continue }
                sentInvites += 1
                let before = pbx.outbound.sent.count
                pbx.send(request, from: alice)
                try await pbx.settle(via: alice)
                for sent in pbx.outbound.sent[before...] {
                    guard let forwarded = sent.request, sent.isRequest(.invite, to: desk.address) else { continue }
                    calleeInvites += 1
                    let ok = desk.respond(to: forwarded, status: 200, toTag: "desk-\(round)", sdp: desk.sdp(port: 4002))
                    pbx.send(Self.mangled(ok, &generator) ?? ok, from: desk)
                }
            }
            try await pbx.settle(via: alice)
            // Not a vacuous run: most garbage still parsed, and much of it rang the callee.
            #expect(sentInvites > 150, "\(sentInvites) INVITEs parsed and sent")
            #expect(calleeInvites > 50, "\(calleeInvites) INVITEs reached the callee")
            // Final answers (not counting the 2xx sent again while no ACK comes), one a call.
            let answered = Set(pbx.outbound.sent.compactMap { sent -> String? in
                guard let response = sent.response, response.statusCode >= 200, sent.cseqMethod == .invite,
                    sent.destination == alice.address
                else { return nil }
                return response.headers.callID
            })
            #expect(answered.count > sentInvites * 3 / 4, "calls the mangled INVITEs got a final answer for: \(answered.count) of \(sentInvites)")

            // A normal call, between two other phones, still goes through.
            try await pbx.register(Cast.carol)
            let caller = Cast.bobSoft
            _ = try await pbx.placeCall(from: caller, to: Cast.carol.number, sdp: caller.sdp())
            let ringing = try await pbx.outbound.request(.invite, to: Cast.carol.address)
            pbx.send(Cast.carol.respond(to: ringing, status: 200, toTag: "carol", sdp: Cast.carol.sdp(port: 4004)), from: Cast.carol)
            _ = try await pbx.outbound.response(200, .invite, to: caller.address)
        }
    }

    @Test("80 answered calls, each sent 3 mangled in-dialog requests (re-INVITE, INFO, BYE, OPTIONS) from either phone, half the answers mangled: every call still ends cleanly")
    func mangledInDialogRequestsLeaveCallsEndable() async throws {
        var configuration = PBXHarness.configuration
        configuration.trustedNetworks = [try CIDR(parsing: "\(alice.address.host)/32")]
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            try await pbx.register(desk)
            var generator = SeededGenerator(seed: 0xD1A_2026)
            var relayed = 0
            for round in 0..<80 {
                // The offer carries the round (anchoring keeps unknown attributes), so the callee's
                // INVITE is told apart from new calls that mangled in-dialog requests started.
                let marker = "a=x-round:\(round)"
                let invite = alice.invite(desk.number, sdp: alice.sdp() + marker + "\r\n", callID: "dialog-\(round)")
                pbx.send(invite, from: alice)
                // The callee's INVITE goes once the call's media is ready: waited for, not settled.
                let forwarded = try await pbx.outbound.next("round \(round): the callee's INVITE") {
                    $0.isRequest(.invite, to: desk.address) && String(decoding: $0.request?.body ?? [], as: UTF8.self).contains(marker + "\r\n")
                }.request!
                let ok = desk.respond(to: forwarded, status: 200, toTag: "desk-\(round)", sdp: desk.sdp(port: 4002))
                pbx.send(ok, from: desk)
                let callerOK = try await pbx.outbound.next("round \(round): the caller's 200") {
                    $0.response?.headers.callID == "dialog-\(round)" && $0.response?.statusCode == 200 && $0.cseqMethod == .invite
                }.response!
                var caller = try PhoneDialog(caller: alice, invite: invite, ok: callerOK)
                var callee = try PhoneDialog(callee: desk, invite: forwarded, ok: ok)
                pbx.send(caller.ack(inviteCSeq: 1), from: alice)

                for _ in 0..<3 {
                    let fromCaller = Bool.random(using: &generator)
                    let method = [SIPMethod.invite, .invite, .info, .bye, .options].randomElement(using: &generator)!
                    let sdp = method == .invite ? (fromCaller ? alice : desk).sdp(port: 4000, direction: ["sendonly", "sendrecv", "inactive"].randomElement(using: &generator)!) : nil
                    let request = fromCaller ? caller.request(method, sdp: sdp) : callee.request(method, sdp: sdp)
                    guard let mangled = Self.mangled(request, &generator) else { continue }
                    let before = pbx.outbound.sent.count
                    pbx.send(mangled, from: fromCaller ? alice : desk)
                    try await pbx.settle(via: alice)
                    // The phones answer what the core passes on to them.
                    for sent in pbx.outbound.sent[before...] {
                        guard let passed = sent.request, passed.method != .ack, passed.method != .options else { continue }
                        let phone = sent.destination == desk.address ? desk : alice
                        relayed += 1
                        let answer = phone.respond(
                            to: passed, status: 200, toTag: "unused", sdp: passed.method == .invite ? phone.sdp(port: 4010) : nil)
                        // Half the answers mangled too.
                        let mangledAnswer = Bool.random(using: &generator) ? Self.mangled(answer, &generator) : nil
                        pbx.send(mangledAnswer ?? answer, from: phone)
                    }
                    try await pbx.settle(via: alice)
                }
                // The caller hangs up properly; a call a mangled BYE ended already gets 481.
                let before = pbx.outbound.sent.count
                pbx.send(caller.request(.bye), from: alice)
                try await pbx.settle(via: alice)
                for sent in pbx.outbound.sent[before...] where sent.isRequest(.bye, to: desk.address) {
                    pbx.send(desk.respond(to: sent.request!, status: 200, toTag: "unused"), from: desk)
                }
            }
            try await pbx.settle(via: alice)
            #expect(relayed > 40, "requests passed on to the other phone: \(relayed)")
            let left = try await eventually("every call ended") { () -> [CallSnapshot]? in
                let calls = await pbx.core.callSnapshots()
                return calls.isEmpty ? calls : nil
            }
            #expect(left.isEmpty)
        }
    }

    @Test("300 authorized REGISTERs mangled after their digest: every one answered, bindings stay live and bounded, the phone registers normally after")
    func mangledRegistersLeaveSaneBindings() async throws {
        var configuration = PBXHarness.configuration
        configuration.authFailureLimit = 0  // mangled credentials must not ban the phone
        configuration.sourceRateLimit = 0
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            var generator = SeededGenerator(seed: 0x4E6_2026)
            var sent = 0
            for round in 0..<300 {
                let request = desk.register(
                    expires: [3600, 60, 0, nil].randomElement(using: &generator)!,
                    contact: "<sip:101@192.0.2.21:\(5060 + round % 7)>", callID: "register-\(round)")
                pbx.send(request, from: desk)
                let challenge = try await pbx.outbound.next("round \(round): 401") {
                    $0.response?.statusCode == 401 && $0.response?.headers.callID == "register-\(round)"
                }.response!
                guard let mangled = Self.mangled(try desk.authorized(request, answering: challenge), &generator) else { continue }
                sent += 1
                let before = pbx.outbound.sent.count
                pbx.send(mangled, from: desk)
                try await pbx.settle(via: alice)
                let answers = pbx.outbound.sent[before...].filter { $0.cseqMethod == .register && $0.destination == desk.address }
                #expect(answers.count <= 1, "round \(round): \(answers.map(\.description))")
            }
            #expect(sent > 150)
            let now = Date()
            for binding in await pbx.core.registrations(extension: desk.number) {
                #expect(binding.expiresAt > now, "a binding that has already expired: \(binding)")
                #expect(binding.expiresAt <= now.addingTimeInterval(TimeInterval(configuration.maximumRegistrationExpiry) + 1))
                #expect((try? SIPURI(parsing: binding.contactText)) != nil, "\(binding.contactText)")
            }
            #expect(await pbx.core.registrations(extension: desk.number).count <= configuration.maximumContactsPerExtension)
            let ok = try await pbx.register(desk)
            #expect(ok.statusCode == 200)
        }
    }
}

/// A request or a response, mangled alike by ``MangledMessageTests/mangled(_:_:)``.
protocol MangleableMessage {
    var body: [UInt8] { get set }
    func serialized() -> [UInt8]
    /// The parsed message when it is still of this kind (a mangled response line can make a
    /// request).
    static func same(kind message: SIPMessage) -> Self?
}

extension SIPRequest: MangleableMessage {
    static func same(kind message: SIPMessage) -> SIPRequest? {
        guard case .request(let request) = message else { return nil }
        return request
    }
}

extension SIPResponse: MangleableMessage {
    static func same(kind message: SIPMessage) -> SIPResponse? {
        guard case .response(let response) = message else { return nil }
        return response
    }
}
