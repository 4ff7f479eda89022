import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// The core hands each batch of its input to its ports inside their gatherings
/// (``SIPOutbound/gatheringSends(_:)``, ``MediaSessionFactory/gatheringWork(_:)``), so the
/// transport sends a batch's messages with one system call per socket and the relay wakes each
/// event loop once per batch.
@Suite("Core: a batch's sends and media requests are gathered", .timeLimit(.minutes(1)))
struct BatchGatheringTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test func everythingACallSendsAndAsksOfTheRelayIsGathered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            _ = try await pbx.media.onlySession()
            _ = try await answerAndHangUp(ringing, pbx)

            #expect(pbx.outbound.sent.count >= 8)
            #expect(pbx.outbound.sentOutsideGathering == 0)
            #expect(pbx.media.all.count == 1)
            #expect(pbx.media.madeOutsideGathering == 0)
        }
    }

    @Test func aSessionReadyAtOnceLetsTheCalleesInviteGoOutWithoutWaitingForTheRelay() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            pbx.media.readyAtOnce = true
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let session = try await pbx.media.onlySession()
            #expect(pbx.media.madeAtOnce == 1 && pbx.media.waitedFor == 0)
            #expect(pbx.media.madeOutsideGathering == 0)
            // The session came with the caller's media address; the callee is offered its B port.
            #expect(session.remotes.first == .init(side: .a, host: alice.address.host, port: 4000))
            #expect(SampleSDP.parse(ringing.calleeInvites[0].body)?.audioEndpoint?.port == FakeMediaFactory.bPort)
            let (answer, cdr) = try await answerAndHangUp(ringing, pbx)
            #expect(SampleSDP.endpoint(of: answer)?.port == FakeMediaFactory.aPort)
            #expect(cdr.disposition == .answered)
            try await eventually("the media session closed") { session.isClosed }
        }
    }

    /// The desk answers, the caller ACKs and hangs up; returns the caller's 200 and the CDR.
    private func answerAndHangUp(_ ringing: PBXHarness.Ringing, _ pbx: PBXHarness) async throws -> (SIPResponse, CDRRecord) {
        let invite = ringing.calleeInvites[0]
        pbx.send(desk.respond(to: invite, status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
        let answer = try await pbx.outbound.response(200, .invite, to: alice.address)
        _ = try await pbx.outbound.request(.ack, to: desk.address)
        var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: answer)
        pbx.send(caller.ack(inviteCSeq: 2), from: alice)
        pbx.send(caller.request(.bye), from: alice)
        _ = try await pbx.outbound.response(200, .bye, to: alice.address)
        let bye = try await pbx.outbound.request(.bye, to: desk.address)
        pbx.send(desk.respond(to: bye, status: 200, toTag: "unused"), from: desk)
        return (answer, try await pbx.finishedCDR(of: alice.number))
    }
}
