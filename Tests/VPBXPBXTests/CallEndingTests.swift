import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Less common ways calls go on or end: the callee's re-INVITE, the operator's hangup, a
/// caller that never ACKs, and which failure the caller hears when every contact fails.
@Suite("Calls: other endings", .timeLimit(.minutes(1)))
struct CallEndingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let soft = Cast.bobSoft

    @Test("re-INVITE from the callee is relayed to the caller anchored at the A port")
    func calleeReInvite() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            pbx.send(call.callee.request(.invite, sdp: desk.sdp(port: 4020)), from: desk)
            let relayed = try await pbx.outbound.request(.invite, to: alice.address)
            #expect(relayed.headers.callID == call.caller.callID)
            let offer = try #require(SampleSDP.endpoint(of: relayed))
            #expect(offer.address == PBXHarness.mediaAddress && offer.port == FakeMediaFactory.aPort)

            pbx.send(alice.respond(to: relayed, status: 200, toTag: "unused", sdp: alice.sdp()), from: alice)
            _ = try await pbx.outbound.request(.ack, to: alice.address)
            let ok = try await pbx.outbound.response(200, .invite, to: desk.address)
            let answer = try #require(SampleSDP.endpoint(of: ok))
            #expect(answer.address == PBXHarness.mediaAddress && answer.port == FakeMediaFactory.bPort)
            try await eventually("the callee's new RTP address given to the relay") {
                call.session.remotes.contains(.init(side: .b, host: desk.address.host, port: 4020))
            }
        }
    }

    /// An ended call keeps, for its answered leg, only the ACK (`EndedLeg`): a 2xx the callee
    /// retransmits after the call ended (our ACK lost) gets that same ACK again, and nothing
    /// else: no second BYE, no new dialog.
    @Test("a 2xx retransmitted after the call ended gets the same ACK again and nothing more")
    func retransmittedAnswerAfterTheCallEnded() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            _ = try await pbx.finishedCDR(of: alice.number)
            #expect(await pbx.core.callSnapshots().isEmpty)

            let acksBefore = pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) }.count
            pbx.send(ok, from: desk)
            try await eventually("the ACK sent again") {
                pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) }.count == acksBefore + 1
            }
            #expect(pbx.outbound.sent.last { $0.isRequest(.ack, to: desk.address) }?.request == ack)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: desk.address) } == 1)
        }
    }

    @Test("hangup from the control socket: BYE to both sides, CDR hangup side system")
    func operatorHangup() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.establish(from: alice, to: desk)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.hangup(callID: id))
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.hangupSide == .system && cdr.disposition == .answered)
            #expect(await pbx.core.hangup(callID: id) == false)
        }
    }

    @Test("a caller that never ACKs the 200 is hung up when the transaction gives up")
    func ackNeverArrives() async throws {
        // Timer H (64·T1) ends the call 2.56 s after the 200: short, and still much longer than
        // the callee's 200 can take to arrive on a loaded machine (with T1 at 10 ms, in parallel
        // `swift test` runs, the callee's INVITE transaction timed out first, 64·T1 after the
        // INVITE, and there was no 200 to wait for).
        var fast = PBXHarness.configuration
        fast.timings = TransactionTimings(t1: .milliseconds(40), t2: .milliseconds(320), t4: .milliseconds(400))
        try await PBXHarness.run(Cast.everyone, configuration: fast) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: desk.address)  // 64·T1 later
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(try await pbx.finishedCDR(of: alice.number).cause == "ack_timeout")
        }
    }

    @Test("the callee hangs up before the caller has ACKed the 200: the caller's BYE waits for that ACK (RFC 3261 §15), which stops the 200")
    func byeWaitsForTheCallersAck() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (ringing, callerOK) = try await calleeHangsUpBeforeTheCallersAck(pbx)
            try await pbx.settle(via: alice)
            let byesBeforeAck = pbx.outbound.sent.filter { $0.isRequest(.bye, to: alice.address) }.count
            #expect(byesBeforeAck == 0, "a BYE to the caller before its ACK")

            let callerDialog = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            let inviteCSeq = try ringing.callerInvite.headers.cseq().number
            // An ACK of some other 2xx (another CSeq) is not the one the BYE waits for.
            pbx.send(callerDialog.ack(inviteCSeq: inviteCSeq + 7), from: alice)
            try await pbx.settle(via: alice)
            let byesAfterOtherAck = pbx.outbound.sent.filter { $0.isRequest(.bye, to: alice.address) }.count
            #expect(byesAfterOtherAck == 0, "a BYE after an ACK of another INVITE")

            pbx.send(callerDialog.ack(inviteCSeq: inviteCSeq), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == ringing.callerInvite.headers.callID)
            // The ACK stopped the 200 (the harness's T1 is 50 ms: it went again after 50,
            // 100, 200 ms before).
            let okCount = { pbx.outbound.sent.filter { $0.isResponse(200, .invite, to: alice.address) }.count }
            let oksAtTheAck = okCount()
            try await Task.sleep(for: .milliseconds(500))
            let oksLater = okCount()
            #expect(oksLater == oksAtTheAck, "the 200 resent after its ACK")
            #expect(try await pbx.finishedCDR(of: alice.number).hangupSide == .callee)
        }
    }

    @Test("the callee hangs up and the caller never ACKs: the BYE goes when the 200 gives up")
    func byeGoesWhenTheAckNeverComes() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await calleeHangsUpBeforeTheCallersAck(pbx)
            _ = try await pbx.outbound.request(.bye, to: alice.address)  // 64·T1 (3.2 s) after the 200
        }
    }

    /// Alice calls the desk phone, which answers and hangs up at once, before Alice's ACK.
    private func calleeHangsUpBeforeTheCallersAck(
        _ pbx: PBXHarness
    ) async throws -> (ringing: PBXHarness.Ringing, callerOK: SIPResponse) {
        let ringing = try await pbx.dial(from: alice, to: [desk])
        let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp())
        pbx.send(ok, from: desk)
        let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
        var deskDialog = try PhoneDialog(callee: desk, invite: ringing.calleeInvites[0], ok: ok)
        pbx.send(deskDialog.request(.bye), from: desk)
        _ = try await pbx.outbound.response(200, .bye, to: desk.address)
        return (ringing, callerOK)
    }

    @Test("a caller's BYE in the early dialog (RFC 3261 §15.1.2): 200, the INVITE gets 487, the callee is cancelled, CDR cancelled")
    func byeInTheEarlyDialog() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (_, early, _) = try await ringingWithEarlyDialogs(pbx)
            pbx.send(early.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            _ = try await pbx.outbound.response(487, .invite, to: alice.address)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .cancelled)
            #expect(cdr.hangupSide == .caller)
        }
    }

    /// The caller's other requests in its early dialog: a new offer waits for the INVITE's
    /// (RFC 3261 §14.2, RFC 3311 §5.2); a refresh and an OPTIONS are answered; the call rings on.
    @Test("a caller's requests in its early dialog: re-INVITE and UPDATE with an offer 500 with Retry-After, UPDATE without one and OPTIONS 200, INFO 491")
    func otherRequestsInTheEarlyDialog() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (ringing, early, _) = try await ringingWithEarlyDialogs(pbx)
            let cases: [(SIPMethod, String?, Int)] = [
                (.invite, alice.sdp(port: 4020), 500), (.update, alice.sdp(port: 4020), 500), (.update, nil, 200),
                (.options, nil, 200), (.info, nil, 491),
            ]
            for (method, sdp, status) in cases {
                let answer = try await answer(to: early.request(method, sdp: sdp), from: alice, pbx)
                #expect(answer.statusCode == status, "\(method.name)")
                if status == 500 { #expect(answer.headers["Retry-After"] != nil, "\(method.name)") }
            }
            // Nothing reached the ringing phone, which still rings and can answer.
            // (Its INVITE may have gone twice: the harness's T1 is 50 ms.)
            let toDesk = pbx.outbound.sent.filter { $0.destination == desk.address && ($0.request.map { $0.method != .invite } ?? false) }
            #expect(toDesk.isEmpty, "only the INVITE went to the desk phone")
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
        }
    }

    /// A ringing phone's requests in its early dialog: not 481 (RFC 5057: the dialog would be
    /// gone for it); an offer waits for the answer to the engine's own (RFC 3311 §5.2).
    @Test("a ringing phone's requests in its early dialog: UPDATE without an offer and OPTIONS 200, UPDATE with one and INFO 491, another tag 481")
    func calleeRequestsInTheEarlyDialog() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (ringing, _, early) = try await ringingWithEarlyDialogs(pbx)
            let cases: [(SIPMethod, String?, Int)] = [
                (.update, nil, 200), (.options, nil, 200), (.update, desk.sdp(port: 4030), 491), (.info, nil, 491),
            ]
            for (method, sdp, status) in cases {
                let answer = try await answer(to: early.request(method, sdp: sdp), from: desk, pbx)
                #expect(answer.statusCode == status, "\(method.name)")
            }
            var stranger = early.request(.update)
            stranger.headers["From"] = "<\(desk.aor)>;tag=not-this-one"
            #expect(try await answer(to: stranger, from: desk, pbx).statusCode == 481)
            // Nothing reached the caller but the ringing, and the call is answered as usual.
            let toAlice = pbx.outbound.sent.filter { $0.destination == alice.address && $0.request != nil }
            #expect(toAlice.isEmpty)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
        }
    }

    /// A proxy or gateway behind one contact forked the INVITE: two early dialogs, each with
    /// its own tag, and requests in either belong to the call (RFC 3261 §12.1.1).
    @Test("two early dialogs behind one contact: requests under either tag are answered, another tag gets 481")
    func forkedEarlyDialogsBehindOneContact() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (ringing, _, first) = try await ringingWithEarlyDialogs(pbx)
            let secondProgress = desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag-2")
            pbx.send(secondProgress, from: desk)
            var second = try PhoneDialog(callee: desk, invite: ringing.calleeInvites[0], ok: secondProgress)
            try await pbx.settle(via: desk)
            let statuses = [
                try await answer(to: first.request(.options), from: desk, pbx).statusCode,
                try await answer(to: second.request(.options), from: desk, pbx).statusCode,
            ]
            #expect(statuses == [200, 200] as [Int])
            var stranger = second.request(.update)
            stranger.headers["From"] = "<\(desk.aor)>;tag=not-this-one"
            #expect(try await answer(to: stranger, from: desk, pbx).statusCode == 481)
        }
    }

    /// Alice calls the desk phone, which rings (180 with its tag, relayed): the call's two
    /// early dialogs, Alice's with the engine and the desk phone's.
    private func ringingWithEarlyDialogs(
        _ pbx: PBXHarness
    ) async throws -> (ringing: PBXHarness.Ringing, caller: PhoneDialog, callee: PhoneDialog) {
        let ringing = try await pbx.dial(from: alice, to: [desk])
        let deskProgress = desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag")
        pbx.send(deskProgress, from: desk)
        let progress = try await pbx.outbound.response(180, .invite, to: alice.address)
        return (
            ringing, try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: progress),
            try PhoneDialog(callee: desk, invite: ringing.calleeInvites[0], ok: deskProgress)
        )
    }

    /// Sends `request` from `phone` and returns the final answer to it (matched by CSeq).
    private func answer(to request: SIPRequest, from phone: Phone, _ pbx: PBXHarness) async throws -> SIPResponse {
        pbx.send(request, from: phone)
        let cseq = try request.headers.cseq().number
        return try await pbx.outbound.next("the answer to \(request.method.name)") {
            $0.destination == phone.address && ($0.response?.statusCode ?? 0) >= 200
                && (try? $0.message.headers.cseq())?.number == cseq
        }.response!
    }

    @Test("every contact fails: busy beats unavailable")
    func busyBeatsUnavailable() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "desk-tag"), from: desk)
            try await pbx.settle(via: alice)
            // One contact still rings: the caller has had no final answer but the 407.
            let finals = pbx.outbound.distinctCount {
                ($0.response?.statusCode ?? 0) >= 300 && $0.destination == alice.address && $0.cseqMethod == .invite
            }
            #expect(finals == 1)
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 480, toTag: "soft-tag"), from: soft)
            _ = try await pbx.outbound.response(486, .invite, to: alice.address)
            #expect(try await pbx.finishedCDR(of: alice.number).disposition == .busy)
        }
    }
}
