import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// A ringing phone's 3xx (call forwarding set on the phone) is followed by the engine: the
/// Contact's user part is dialled and rung beside the contacts still ringing.
@Suite("Redirection", .timeLimit(.minutes(1)))
struct RedirectionTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let soft = Cast.bobSoft
    let carol = Cast.carol

    func redirect(_ invite: SIPRequest, from phone: Phone, to contacts: String, status: Int = 302) -> SIPResponse {
        var moved = phone.respond(to: invite, status: status, toTag: "moved-tag")
        moved.headers.add("Contact", contacts)
        return moved
    }

    @Test("a phone's 302 rings the extension its Contact names; its answer connects the caller; the CDR path says so")
    func followed() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            // The host is the phone's own address: only the user part is dialled.
            pbx.send(redirect(ringing.calleeInvites[0], from: desk, to: "<sip:\(carol.number)@192.0.2.99:5060>"), from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(ack.headers.callID == ringing.calleeInvites[0].headers.callID)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(forwarded.uri.serialized == carol.contact)
            // RFC 5806: the forwarded-to phone can show whom the call was for.
            let diversion = forwarded.headers["Diversion"] ?? ""
            #expect(diversion.hasPrefix("<sip:\(desk.number)@") && diversion.hasSuffix(">;reason=unknown;counter=1"), "\(diversion)")
            #expect(ringing.calleeInvites[0].headers["Diversion"] == nil)
            pbx.send(carol.respond(to: forwarded, status: 180, toTag: "carol-tag"), from: carol)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)
            pbx.send(carol.respond(to: forwarded, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4004)), from: carol)
            let answer = try await pbx.outbound.response(200, .invite, to: alice.address)
            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: answer)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: carol.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.callee == desk.number)
            #expect(cdr.path == ["redirect:\(carol.number)"])
            let to302 = pbx.outbound.sent.filter { $0.response?.statusCode == 302 }.count
            #expect(to302 == 0, "the caller was sent the 302")
        }
    }

    @Test("one contact of a fork redirects: the target rings beside the other contact, and is cancelled when that one answers")
    func besideTheOtherContacts() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 180, toTag: "soft-tag"), from: soft)
            // Preference by q: the 0.1 contact is not the one dialled.
            let contacts = "<sip:999@192.0.2.99>;q=0.1, <sip:\(carol.number)@192.0.2.99>;q=0.9"
            pbx.send(redirect(ringing.calleeInvites[0], from: desk, to: contacts), from: desk)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: forwarded, status: 180, toTag: "carol-tag"), from: carol)
            try await pbx.settle(via: carol)
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 200, toTag: "soft-tag", sdp: soft.sdp(port: 4006)), from: soft)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let cancel = try await pbx.outbound.request(.cancel, to: carol.address)
            #expect(cancel.headers["Reason"] == PBXCore.answeredElsewhereReason)
        }
    }

    @Test("a redirection back to the dialled extension is a loop: not followed, the caller gets the 302 as before")
    func loopNotFollowed() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(redirect(ringing.calleeInvites[0], from: desk, to: "<sip:\(desk.number)@192.0.2.99>"), from: desk)
            let passed = try await pbx.outbound.response(302, .invite, to: alice.address)
            #expect(passed.headers.values("Contact") == ["<sip:\(desk.number)@192.0.2.99>"])
            let invites = pbx.outbound.sent.filter { $0.isRequest(.invite, to: desk.address) }
                .compactMap { $0.request.flatMap { try? $0.headers.topVia().branch } }
            #expect(Set(invites).count == 1, "the dialled phone rung again")
        }
    }

    @Test("the redirection's target fails too: the caller hears that failure, not the 302")
    func targetFailure() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(redirect(ringing.calleeInvites[0], from: desk, to: "<sip:\(carol.number)@192.0.2.99>"), from: desk)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: forwarded, status: 480, toTag: "carol-tag"), from: carol)
            let final = try await pbx.outbound.next("the caller's final answer") {
                $0.destination == alice.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 300
            }.response!
            #expect(final.statusCode == 480)
        }
    }

    @Test("Contacts by q, highest first, in their order where equal or unstated")
    func preference() throws {
        let contacts = try ["<sip:a@h>;q=0.5", "<sip:b@h>", "<sip:c@h>;q=0.5", "<sip:d@h>;q=0.7"].map { try NameAddress(parsing: $0) }
        #expect(PBXCore.byPreference(contacts).map { $0.uri.user } == ["b", "d", "a", "c"])
    }
}
