import Foundation
import Testing
@testable import VPBXPBX
import VPBXSIP
import VPBXStore

/// Retransmissions and odd-but-parseable requests: answered sensibly, never a crash or a
/// second call.
@Suite("Robustness", .timeLimit(.minutes(1)))
struct RobustnessTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("a retransmitted INVITE starts no second call")
    func retransmittedInvite() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)

            pbx.send(ringing.callerInvite, from: alice)
            pbx.send(ringing.callerInvite, from: alice)
            try await pbx.settle(via: alice)
            #expect(await pbx.core.callSnapshots().count == 1)
            #expect(await pbx.core.currentStatistics().callsStarted == 1)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: desk.address) } == 1)
            #expect(pbx.media.all.count == 1)
            // The transaction answers a retransmission with its last response.
            let ringingResent = pbx.outbound.sent.filter { $0.isResponse(180, .invite, to: alice.address) }
            #expect(ringingResent.count >= 2)
        }
    }

    @Test("the same INVITE arriving under another branch while the first rings gets 482 (merged request)")
    func mergedRequest() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            var merged = ringing.callerInvite
            merged.headers["Via"] = alice.via()
            pbx.send(merged, from: alice)
            _ = try await pbx.outbound.response(482, .invite, to: alice.address)
            #expect(await pbx.core.currentStatistics().callsStarted == 1)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: desk.address) } == 1)
        }
    }

    @Test("an INVITE stays registered for merged-request detection only until its final response")
    func mergedRequestRegistrationEndsWithTheFinalResponse() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            #expect(await pbx.core.mergedRequestRegistrations() == 1)
            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(await pbx.core.mergedRequestRegistrations() == 0, "answered: no longer proceeding")
        }
    }

    @Test("INVITE with a body that is not SDP gets 488 and a failed CDR")
    func inviteWithOtherBody() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            var invite = alice.invite(desk.number, sdp: "<xml/>")
            invite.headers["Content-Type"] = "application/xml"
            pbx.send(invite, from: alice)
            let challenge = try await pbx.outbound.response(407, .invite, to: alice.address)
            pbx.send(alice.ack(failure: challenge, of: invite), from: alice)
            pbx.send(try alice.authorized(invite, answering: challenge), from: alice)
            _ = try await pbx.outbound.response(488, .invite, to: alice.address)
            #expect(try await pbx.finishedCDR(of: alice.number).disposition == .failed)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: desk.address) } == 0)
        }
    }

    @Test("INVITE with an SDP body that does not parse gets 488")
    func inviteWithGarbageOffer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: "this is not SDP\r\n")
            _ = try await pbx.outbound.response(488, .invite, to: alice.address)
        }
    }

    @Test("requests outside any dialog or transaction get error answers, and the core keeps working")
    func strayRequests() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let invite = alice.invite(desk.number, sdp: alice.sdp())
            // CANCEL of an INVITE the core never saw.
            pbx.send(alice.cancel(invite), from: alice)
            _ = try await pbx.outbound.response(481, .cancel, to: alice.address)
            // BYE in a dialog that does not exist.
            var ghost = try PhoneDialog(
                caller: alice, invite: invite, ok: alice.respond(to: invite, status: 200, toTag: "no-such-tag"))
            pbx.send(ghost.request(.bye), from: alice)
            _ = try await pbx.outbound.response(481, .bye, to: alice.address)
            // A response to nothing.
            pbx.send(desk.respond(to: invite, status: 200, toTag: "x", sdp: desk.sdp()), from: desk)
            // An ACK to nothing.
            pbx.send(ghost.ack(inviteCSeq: 1), from: alice)
            // A REGISTER whose Contact does not parse, after authentication.
            let answer = try await pbx.register(desk, contact: "<sip:101@")
            #expect(answer.statusCode == 400)
            try await pbx.settle(via: alice)
            #expect(await pbx.core.currentStatistics().strayResponses == 1)
            #expect(try await pbx.register(desk).statusCode == 200)
        }
    }
}
