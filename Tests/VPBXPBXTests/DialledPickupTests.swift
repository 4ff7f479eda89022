import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Pickup dialled from a phone: *8 + extension (directed), *8 alone (the caller's pickup group).
@Suite("Calls: pickup dialled from a phone", .timeLimit(.minutes(1)))
struct DialledPickupTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    /// Picks up (extension 102).
    let carol = Cast.carol

    private func group(_ pbx: PBXHarness, _ numbers: [String], _ name: String) async throws {
        for number in numbers {
            let record = try await pbx.extensions.update(number, with: ExtensionPatch(pickupGroup: .set(name)))
            await pbx.core.extensionChanged(record)
        }
    }

    /// Bob's desk phone says it rings (so a CANCEL may be sent to it).
    private func rings(_ pbx: PBXHarness, _ ringing: PBXHarness.Ringing) async throws {
        pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk"), from: desk)
        _ = try await pbx.outbound.response(180, .invite, to: alice.address)
    }

    /// Carol dials `code`; returns her final answer.
    private func dial(_ pbx: PBXHarness, _ code: String, withOffer: Bool = true) async throws -> (SIPRequest, SIPResponse) {
        let invite = try await pbx.placeCall(from: carol, to: code, sdp: withOffer ? carol.sdp(port: 4050) : nil)
        let answer = try await pbx.outbound.next("final answer to Carol") {
            $0.destination == carol.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 200
                && $0.response?.headers.callID == invite.headers.callID
        }.response!
        return (invite, answer)
    }

    @Test("*8101 answers the call ringing 101: the ringing phone gets CANCEL, caller and picker are connected through the relay")
    func directed() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            try await rings(pbx, ringing)
            let session = try await pbx.media.onlySession()
            #expect(session.timeoutChanges.isEmpty, "the RTP timeout waits while the call rings")
            let (invite, ok) = try await dial(pbx, "*8101")
            #expect(ok.statusCode == 200)
            #expect(session.timeoutChanges == [false], "the pickup answers the call: the RTP timeout counts from it")
            let pickerAnswer = try #require(SampleSDP.parse(ok.body))
            #expect(pickerAnswer.audioEndpoint?.port == FakeMediaFactory.bPort)
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(cancel.headers["Reason"] == "SIP;cause=200;text=\"Call completed elsewhere\"", "picked up: not missed")
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            let callerAnswer = try #require(SampleSDP.parse(callerOK.body))
            #expect(callerAnswer.audioEndpoint?.port == FakeMediaFactory.aPort)
            // Both in the codec they share: Carol offers PCMU first, Alice offered it too.
            #expect(callerAnswer.media[0].formats.first == "0" && pickerAnswer.media[0].formats.first == "0")
            try await eventually("the relay sends Carol's side to her phone") {
                session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4050))
            }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.state == .answered && snapshot.callee == "102")

            var picker = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(picker.ack(inviteCSeq: try invite.headers.cseq().number), from: carol)
            let caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            try await pbx.settle(via: alice)
            // Carol hangs up: Alice gets the BYE; the call's CDR is answered.
            pbx.send(picker.request(.bye), from: carol)
            _ = try await pbx.outbound.response(200, .bye, to: carol.address)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == ringing.callerInvite.headers.callID)
            _ = caller
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered && cdr.hangupSide == .callee)
        }
    }

    @Test("*8101 without an offer: the picker is offered the codec the caller is answered with, and its ACK's answer points the relay")
    func lateOffer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            try await rings(pbx, ringing)
            let session = try await pbx.media.onlySession()
            let (invite, ok) = try await dial(pbx, "*8101", withOffer: false)
            #expect(ok.statusCode == 200)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            let callerAnswer = try #require(SampleSDP.parse(callerOK.body))
            let pickerOffer = try #require(SampleSDP.parse(ok.body))
            #expect(callerAnswer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(pickerOffer.audioEndpoint?.port == FakeMediaFactory.bPort)
            // Alice offered PCMU, PCMA and events: her first G.711 codec is chosen, and the
            // picker is offered exactly that, with Alice's event payload type.
            let answered = try #require(callerAnswer.firstAudioIndex.map { callerAnswer.media[$0].codecs })
            let offered = try #require(pickerOffer.firstAudioIndex.map { pickerOffer.media[$0].codecs })
            #expect(answered.map(\.encodingName) == ["PCMU", "telephone-event"])
            #expect(offered.map(\.encodingName) == answered.map(\.encodingName))
            #expect(offered.map(\.payloadType) == answered.map(\.payloadType))
            #expect(!session.remotes.contains { $0.side == .b && $0.host == carol.address.host }, "no picker address yet")

            let picker = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(picker.ack(inviteCSeq: try invite.headers.cseq().number, sdp: carol.sdp(port: 4052)), from: carol)
            try await eventually("the relay sends Carol's side to her answer's address") {
                session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4052))
            }
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    @Test("a picker's ACK without an answer to our offer hangs up both phones (no_answer_in_ack)")
    func lateOfferWithoutAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            try await rings(pbx, ringing)
            let (invite, ok) = try await dial(pbx, "*8101", withOffer: false)
            #expect(ok.statusCode == 200)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            let caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            let picker = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(picker.ack(inviteCSeq: try invite.headers.cseq().number), from: carol)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: carol.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.cause == "no_answer_in_ack")
        }
    }

    @Test("*8 alone answers a call ringing someone of the picker's pickup group, and nothing else")
    func group() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await rings(pbx, try await pbx.dial(from: alice, to: [desk]))
            let (_, outside) = try await dial(pbx, "*8")
            #expect(outside.statusCode == 480 && outside.reason == "Not In A Pickup Group")
            try await group(pbx, ["102"], "sales")
            let (_, otherGroup) = try await dial(pbx, "*8")
            #expect(otherGroup.statusCode == 480 && otherGroup.reason == "No Call To Pick Up", "101 is in no group")
            try await group(pbx, ["101"], "sales")
            let (_, ok) = try await dial(pbx, "*8")
            #expect(ok.statusCode == 200)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
        }
    }

    @Test("nothing rings 101: *8101 gets 480 and leaves a failed CDR")
    func nothingRinging() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, answer) = try await dial(pbx, "*8101")
            #expect(answer.statusCode == 480)
            let cdr = try await pbx.finishedCDR(of: carol.number)
            #expect(cdr.disposition == .failed && cdr.callee == "*8101")
        }
    }
}
