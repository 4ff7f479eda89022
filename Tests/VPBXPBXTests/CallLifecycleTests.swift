import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Established calls: re-INVITE relay, media timeout, an extension deleted mid-call.
@Suite("Calls: established", .timeLimit(.minutes(1)))
struct CallLifecycleTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("hold re-INVITE in a call without G.711 (no music for it) is relayed anchored at the B port, and the answer relayed back")
    func holdReInvite() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(
                from: alice, to: desk, calleeAnswer: SampleSDP.g722(host: desk.address.host, port: 4002))
            let hold = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendonly"))
            pbx.send(hold, from: alice)

            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(relayed.headers.callID == call.callee.callID)
            #expect(try relayed.headers.to().tag == "callee-tag")
            let offer = try #require(SampleSDP.parse(relayed.body))
            #expect(offer.audioEndpoint?.address == PBXHarness.mediaAddress)
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.bPort)
            #expect(offer.isHold)

            pbx.send(
                desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002)),
                from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(try ack.headers.cseq().number == (try relayed.headers.cseq().number))
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try ok.headers.cseq().number == (try hold.headers.cseq().number))
            let answer = try #require(SampleSDP.endpoint(of: ok))
            #expect(answer.address == PBXHarness.mediaAddress)
            #expect(answer.port == FakeMediaFactory.aPort)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)

            try await eventually("the caller's new RTP address given to the relay") {
                call.session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4010))
            }
            // Lifted at the answer, suspended again for the hold.
            try await eventually("the media timeout suspended while on hold") { call.session.timeoutChanges == [false, true] }
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
            #expect(call.session.music.isEmpty)
        }
    }

    /// Timer B no longer ends a ringing callee's INVITE after a provisional; a relayed
    /// re-INVITE rings nobody and keeps it (64·T1: 3.2 s with the harness's T1).
    @Test("a relayed re-INVITE the other phone answers only with 100 is given up at timer B: the re-INVITEing phone gets a final answer")
    func relayedReInviteAnsweredOnlyTryingTimesOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, hold, relayed) = try await relayedHold(pbx)
            pbx.send(desk.respond(to: relayed, status: 100, toTag: "callee-tag"), from: desk)
            let final = try await pbx.outbound.next("a final answer to alice's re-INVITE", timeout: .seconds(10)) { sent in
                guard let response = sent.response, sent.destination == alice.address else { return false }
                return response.statusCode >= 300 && response.headers.callID == hold.headers.callID
            }
            #expect(final.response?.statusCode == 408)
        }
    }

    @Test("a hold the other phone refuses (491) leaves the RTP timeout running; an accepted one suspends it")
    func refusedHoldKeepsTheTimeout() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, _, relayed) = try await relayedHold(pbx)
            pbx.send(desk.respond(to: relayed, status: 491, toTag: "callee-tag"), from: desk)
            _ = try await pbx.outbound.response(491, .invite, to: alice.address)
            // Both phones still send as before: the call must still time out if one vanishes.
            #expect(call.session.timeoutChanges == [false])
            #expect(!call.session.isTimeoutSuspended)

            // The non-2xx's ACK is the transaction layer's business; the phone tries again.
            let again = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendonly"))
            pbx.send(again, from: alice)
            let relayedAgain = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(
                desk.respond(
                    to: relayedAgain, status: 200, toTag: "callee-tag",
                    sdp: SampleSDP.g722(host: desk.address.host, port: 4002, direction: "recvonly")),
                from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(call.session.timeoutChanges == [false, true])
        }
    }

    @Test("a hold by UPDATE (RFC 3311), relayed and accepted, suspends the RTP timeout as a re-INVITE's does")
    func holdByUpdate() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            pbx.send(call.caller.request(.update, sdp: alice.sdp(port: 4000, direction: "sendonly")), from: alice)
            let relayed = try await pbx.outbound.request(.update, to: desk.address)
            #expect(SampleSDP.parse(relayed.body)?.isHold == true)
            pbx.send(desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002, direction: "recvonly")), from: desk)
            _ = try await pbx.outbound.response(200, .update, to: alice.address)
            #expect(call.session.timeoutChanges == [false, true])
            #expect(call.session.watchChanges == [.init(caller: true, callee: false)])
        }
    }

    @Test("a relayed re-INVITE's 2xx with a new Contact: its ACK and the call's later requests go there")
    func reInviteAnswerRefreshesTheTarget() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, _, relayed) = try await relayedHold(pbx)
            var ok = desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002))
            // A target refresh (RFC 3261 §12.2.1.2): the phone takes requests elsewhere now.
            ok.headers["Contact"] = "<sip:101@192.0.2.21:5090>"
            pbx.send(ok, from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(ack.uri.serialized == "sip:101@192.0.2.21:5090")
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)
            pbx.send(call.caller.request(.bye), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(bye.uri.serialized == "sip:101@192.0.2.21:5090")
        }
    }

    /// RFC 6141 §3.4: a re-INVITE's Contact becomes the phone's target only with a 2xx; a
    /// refused one (here the other phone's 488) leaves the target as it was.
    @Test(
        "a caller's re-INVITE naming a new Contact moves its target when answered 2xx, not when refused",
        arguments: [(200, true), (488, false)])
    func reInviteMovesTheTargetOnlyWhenAccepted(status: Int, moves: Bool) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let moved = "sip:\(alice.number)@192.0.2.30:5099"
            var reInvite = call.caller.request(.invite, sdp: alice.sdp(port: 4012))
            reInvite.headers["Contact"] = "<\(moved)>"
            pbx.send(reInvite, from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            let answer = status == 200 ? desk.sdp(port: 4002) : nil
            pbx.send(desk.respond(to: relayed, status: status, toTag: "callee-tag", sdp: answer), from: desk)
            _ = try await pbx.outbound.response(status, .invite, to: alice.address)
            if status == 200 { pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice) }

            pbx.send(call.callee.request(.bye), from: desk)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.uri.serialized == (moves ? moved : alice.contact))
        }
    }

    @Test("a CANCEL of a relayed re-INVITE is answered 200 and passed on; the other phone's 487 comes back")
    func cancelledReInvite() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (call, hold, relayed) = try await relayedHold(pbx)
            pbx.send(desk.respond(to: relayed, status: 100, toTag: "callee-tag"), from: desk)
            pbx.send(alice.cancel(hold), from: alice)
            _ = try await pbx.outbound.response(200, .cancel, to: alice.address)
            // RFC 3261 §9.1: the CANCEL names the INVITE it cancels by its Via, Call-ID and
            // CSeq number.
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(try cancel.headers.cseq().number == (try relayed.headers.cseq().number))
            #expect(cancel.headers.values("Via").first == relayed.headers.values("Via").first)
            #expect(cancel.headers.callID == relayed.headers.callID)
            pbx.send(desk.respond(to: cancel, status: 200, toTag: "callee-tag"), from: desk)
            pbx.send(desk.respond(to: relayed, status: 487, toTag: "callee-tag"), from: desk)
            let terminated = try await pbx.outbound.response(487, .invite, to: alice.address)
            #expect(try terminated.headers.cseq().number == (try hold.headers.cseq().number))
            // The hold never happened: the call goes on, timed as before.
            #expect(call.session.timeoutChanges == [false])
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    @Test("glare: the other phone's re-INVITE crossing a relayed one gets 491 and is not relayed; once answered, the next one is")
    func crossingReInviteGets491() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, _, relayed) = try await relayedHold(pbx)
            // The desk phone sends its own re-INVITE before answering ours (RFC 3261 §14.2:
            // a UAS with an INVITE of its own pending in the dialog answers 491).
            let crossing = call.callee.request(.invite, sdp: SampleSDP.g722(host: desk.address.host, port: 4030))
            pbx.send(crossing, from: desk)
            let refused = try await pbx.outbound.response(491, .invite, to: desk.address)
            #expect(try refused.headers.cseq().number == (try crossing.headers.cseq().number))
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: alice.address) })

            pbx.send(
                desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002)),
                from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)
            // Its retry after the answer goes through.
            pbx.send(call.callee.request(.invite, sdp: SampleSDP.g722(host: desk.address.host, port: 4030)), from: desk)
            _ = try await pbx.outbound.request(.invite, to: alice.address)
        }
    }

    @Test("a second re-INVITE from the same phone while its first is relayed gets 500 with a Retry-After of 0-10 s")
    func secondReInviteFromTheSamePhoneGets500() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, _, _) = try await relayedHold(pbx)
            let again = call.caller.request(.invite, sdp: alice.sdp(port: 4012, direction: "sendonly"))
            pbx.send(again, from: alice)
            let refused = try await pbx.outbound.response(500, .invite, to: alice.address)
            #expect(try refused.headers.cseq().number == (try again.headers.cseq().number))
            let retryAfter = try #require(refused.headers["Retry-After"].flatMap { Int($0) })
            #expect((0...10).contains(retryAfter))
            // Only the first went to the desk phone (besides the call's INVITE; a resend of
            // either has the same CSeq).
            let cseqs = Set(pbx.outbound.sent.compactMap { sent in
                sent.isRequest(.invite, to: desk.address) ? (try? sent.request?.headers.cseq().number) : nil
            })
            #expect(cseqs.count == 2)
        }
    }

    @Test("a relayed re-INVITE that timed out (408) lets the next one through")
    func timedOutReInviteEndsTheWait() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, hold, relayed) = try await relayedHold(pbx)
            pbx.send(desk.respond(to: relayed, status: 408, toTag: "callee-tag"), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            let failed = try await pbx.outbound.response(408, .invite, to: alice.address)
            #expect(try failed.headers.cseq().number == (try hold.headers.cseq().number))
            pbx.send(call.caller.request(.invite, sdp: alice.sdp(port: 4012, direction: "sendonly")), from: alice)
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("a callee's re-INVITE answered before the caller's ACK of the call's 200: each ACK confirms its own 2xx")
    func reInviteAnsweredBeforeTheCallersAck() async throws {
        // The harness's T1 is 50 ms: an unacknowledged 2xx goes again after 50, 100, 200 ms...
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            // The desk phone re-INVITEs at once; the caller's ACK is still on its way.
            var deskDialog = try PhoneDialog(callee: desk, invite: ringing.calleeInvites[0], ok: ok)
            let reInvite = deskDialog.request(.invite, sdp: desk.sdp(port: 4010))
            pbx.send(reInvite, from: desk)
            let relayed = try await pbx.outbound.request(.invite, to: alice.address)
            pbx.send(alice.respond(to: relayed, status: 200, toTag: "unused", sdp: alice.sdp(port: 4000)), from: alice)
            _ = try await pbx.outbound.request(.ack, to: alice.address)
            _ = try await pbx.outbound.response(200, .invite, to: desk.address)
            // Now both ACKs: the caller's for the call, the desk phone's for its re-INVITE.
            let callerDialog = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(callerDialog.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(deskDialog.ack(inviteCSeq: try reInvite.headers.cseq().number), from: desk)
            try await pbx.settle(via: alice)
            let okCount = { (phone: Phone) in pbx.outbound.sent.filter { $0.isResponse(200, .invite, to: phone.address) }.count }
            let (callerOKs, deskOKs) = (okCount(alice), okCount(desk))
            try await Task.sleep(for: .milliseconds(600))
            let (callerOKsLater, deskOKsLater) = (okCount(alice), okCount(desk))
            #expect(callerOKsLater == callerOKs, "the call's 200 sent again to the caller: its ACK was not taken for it")
            #expect(deskOKsLater == deskOKs, "the re-INVITE's 200 sent again to the desk phone")
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    @Test("a relayed re-INVITE's 200 sent again (the ACK lost) is ACKed again, so the phone does not end the call")
    func retransmittedReInviteAnswerIsAckedAgain() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (call, _, relayed) = try await relayedHold(pbx)
            let ok = desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002))
            pbx.send(ok, from: desk)
            let first = try await pbx.outbound.request(.ack, to: desk.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)
            // The ACK was lost: the phone sends its 200 again (RFC 3261 §13.3.1.4), and
            // without an ACK ends the call after 64·T1.
            pbx.send(ok, from: desk)
            // The harness hands out a copy of a message only once: count them instead.
            let firstBytes = first.serialized()
            try await eventually("the same ACK sent again") {
                pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) && $0.request?.serialized() == firstBytes }.count == 2
            }
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    @Test("a relayed re-INVITE answered 200 after the call ended is still ACKed; the re-INVITE gets 487")
    func reInviteAnsweredAfterTheCallEndedIsAcked() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, hold, relayed) = try await relayedHold(pbx)
            // The caller hangs up before the other phone answered the hold.
            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            pbx.send(
                desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002)),
                from: desk)
            pbx.send(desk.respond(to: bye, status: 200, toTag: "callee-tag"), from: desk)
            // Unacknowledged, the phone would resend its 200 for 32 s and then hang up a
            // dialog long gone (RFC 3261 §13.3.1.4).
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(try ack.headers.cseq().number == (try relayed.headers.cseq().number))
            // The caller's re-INVITE, still waiting, is ended by its BYE (RFC 3261 §15.1.2).
            let terminated = try await pbx.outbound.response(487, .invite, to: alice.address)
            #expect(try terminated.headers.cseq().number == (try hold.headers.cseq().number))
        }
    }

    @Test("a phone whose answer says recvonly is not missed when it sends nothing; the caller still is")
    func recvonlyAnswerIsNotWatched() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk, calleeAnswer: desk.sdp(port: 4002, direction: "recvonly"))
            #expect(call.session.watchChanges == [.init(caller: true, callee: false)])
            #expect(call.session.timeoutChanges == [false])
        }
    }

    @Test("a call both phones answer sendrecv tells the relay nothing about whom to watch: both are, by default")
    func ordinaryCallKeepsTheDefaultWatch() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            #expect(call.session.watchChanges.isEmpty)
            #expect(call.session.timeoutChanges == [false])
        }
    }

    @Test("the RTP timeout waits while the call rings and starts at the answer, once")
    func mediaTimeoutStartsAtTheAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let session = try await pbx.media.onlySession()
            // Ringing has no media to miss (the no-answer timeout bounds it): still suspended,
            // as the session was made, and nothing asked of it.
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "callee-tag"), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)
            #expect(session.isTimeoutSuspended)
            #expect(session.timeoutChanges.isEmpty)

            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(session.timeoutChanges == [false])
            #expect(!session.isTimeoutSuspended)
        }
    }

    @Test("answered by one of the engine's applications, the RTP timeout counts the caller's RTP alone")
    func applicationAnswerCountsTheCallerOnly() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, session) = try await applicationCall(pbx)
            // The application's music says nothing about the caller's phone.
            #expect(session.watchChanges == [.init(caller: true, callee: false)])
            #expect(session.timeoutChanges == [false])
        }
    }

    @Test("the caller's BYE reaches the application in process: nobody asks DNS about the applications' .invalid host")
    func byeToAnApplicationAsksNoDNS() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            // The engine's transport knows no connection 0: in-process delivery has none.
            pbx.outbound.closeConnection(Application.peer.connectionID ?? 0)
            var (caller, _) = try await applicationCall(pbx)
            pbx.send(caller.request(.bye), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: Application.peer)
            #expect(bye.uri.host == Application.host)
            #expect(!pbx.hosts.asked.contains(Application.host), "asked: \(pbx.hosts.asked)")
        }
    }

    @Test("a caller's re-INVITE to one of the engine's applications (a refresh, a new address) is answered by the core, and the new address followed")
    func reInviteToAnApplicationIsAnsweredByTheCore() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (caller, session) = try await applicationCall(pbx)
            let applicationInvites = pbx.outbound.sent.filter { $0.isRequest(.invite, to: Application.peer) }.count
            let reInvite = caller.request(.invite, sdp: alice.sdp(port: 4020))
            pbx.send(reInvite, from: alice)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try ok.headers.cseq().number == (try reInvite.headers.cseq().number))
            #expect(SampleSDP.endpoint(of: ok)?.port == FakeMediaFactory.aPort)
            #expect(SampleSDP.parse(ok.body)?.isHold == false)
            try await eventually("the caller's new address given to the relay") {
                session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4020))
            }
            #expect(pbx.outbound.sent.filter { $0.isRequest(.invite, to: Application.peer) }.count == applicationInvites)
            #expect(session.music.isEmpty)
            #expect(session.timeoutChanges == [false])
        }
    }

    /// A call from alice answered by the voicemail application (`*97`): her dialog, and the session.
    private func applicationCall(_ pbx: PBXHarness) async throws -> (PhoneDialog, FakeMediaSession) {
        let callerInvite = try await pbx.placeCall(from: alice, to: "*97", sdp: alice.sdp())
        let invite = try await pbx.outbound.request(.invite, to: Application.peer)
        let session = try await pbx.media.onlySession()
        pbx.answerAsApplication(invite, sdp: desk.sdp(port: 4060))
        let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
        let dialog = try PhoneDialog(caller: alice, invite: callerInvite, ok: callerOK)
        pbx.send(dialog.ack(inviteCSeq: try callerInvite.headers.cseq().number), from: alice)
        return (dialog, session)
    }

    @Test("media timeout: BYE to both sides, CDR cause rtp_timeout")
    func mediaTimeout() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            call.session.triggerTimeout()
            let toCaller = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(toCaller.headers.callID == call.caller.callID)
            let toCallee = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(toCallee.headers.callID == call.callee.callID)

            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.cause == "rtp_timeout")
            #expect(cdr.hangupSide == .system)
            try await eventually("media closed") { call.session.isClosed }
        }
    }

    @Test("BYE from the callee: 200, BYE to the caller, CDR hangup side callee")
    func calleeHangsUp() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            pbx.send(call.callee.request(.bye), from: desk)
            _ = try await pbx.outbound.response(200, .bye, to: desk.address)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.hangupSide == .callee)
            #expect(cdr.disposition == .answered)
        }
    }

    @Test("removing the callee's extension ends the live call and drops its bindings")
    func extensionRemoved() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(Cast.bobSoft)
            _ = try await pbx.establish(from: alice, to: desk)
            // The soft phone was rung too; it stays silent and gets cancelled when it answers.
            await pbx.core.extensionRemoved(desk.number)

            _ = try await pbx.outbound.request(.bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(await pbx.core.registrations(extension: desk.number).isEmpty)
            #expect(await pbx.core.callSnapshots().isEmpty)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.cause == "extension_removed")
            try await eventually("bindings removed from the store") {
                try await pbx.registrations.list(extensionNumber: desk.number).isEmpty
            }
        }
    }

    /// A call in G.722 (no music on hold exists in it, so the engine relays a hold) whose
    /// caller sent a hold re-INVITE, and that re-INVITE as relayed to the desk phone.
    private func relayedHold(
        _ pbx: PBXHarness
    ) async throws -> (call: PBXHarness.Established, hold: SIPRequest, relayed: SIPRequest) {
        var call = try await pbx.establish(
            from: alice, to: desk, calleeAnswer: SampleSDP.g722(host: desk.address.host, port: 4002))
        let hold = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendonly"))
        pbx.send(hold, from: alice)
        let relayed = try await pbx.outbound.request(.invite, to: desk.address)
        return (call, hold, relayed)
    }
}
