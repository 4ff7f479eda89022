import Foundation
import Testing
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling
import VPBXStore

/// A caller's INVITE without SDP (RFC 3261 §13.2.1): the engine offers to the callee, the
/// caller's 2xx carries the offer and its ACK the answer.
@Suite("Calls: late offer", .timeLimit(.minutes(1)))
struct LateOfferTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// Rings `desk` from `alice` with no offer; returns the caller's INVITE and the callee's.
    private func dialWithoutOffer(_ pbx: PBXHarness) async throws -> (caller: SIPRequest, callee: SIPRequest) {
        try await pbx.register(desk)
        let invite = try await pbx.placeCall(from: alice, to: desk.number, sdp: nil)
        #expect(invite.body.isEmpty)
        return (invite, try await pbx.outbound.request(.invite, to: desk.address))
    }

    @Test(
        "the callee gets the engine's G.711 offer, the caller's 2xx the callee's answer as an offer, and the ACK's answer points the relay"
    )
    func lateOfferCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, calleeInvite) = try await dialWithoutOffer(pbx)
            let offer = try #require(SampleSDP.parse(calleeInvite.body))
            #expect(calleeInvite.headers.contentType == "application/sdp")
            #expect(offer.audioEndpoint?.address == PBXHarness.mediaAddress)
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.bPort)
            let audio = try #require(offer.firstAudioIndex.map { offer.media[$0] })
            #expect(audio.codecs.map(\.encodingName) == ["PCMA", "PCMU", "telephone-event"])
            #expect(audio.codecs.map(\.payloadType) == [8, 0, 101])
            #expect(audio.attributeValue("fmtp") == "101 0-16")
            #expect(audio.direction == .sendrecv)

            let calleeAnswer = SampleSDP.body(host: desk.address.host, port: 4002)
            pbx.send(desk.respond(to: calleeInvite, status: 200, toTag: "callee-tag", sdp: calleeAnswer), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let callerOffer = try #require(SampleSDP.parse(ok.body))
            #expect(callerOffer.audioEndpoint?.address == PBXHarness.mediaAddress)
            #expect(callerOffer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(callerOffer.firstAudioIndex.map { callerOffer.media[$0].codecs.first?.encodingName } == "PCMU")
            let session = try await pbx.media.onlySession()
            // The relay is told asynchronously (updateRemote starts a task): wait for it.
            try await eventually("the callee's answer address given to the relay") {
                session.remotes.contains { $0.side == .b && $0.port == 4002 }
            }
            #expect(
                !session.remotes.contains { $0.side == .a }, "no caller address before its answer: \(session.remotes)")

            let caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(
                caller.ack(inviteCSeq: try invite.headers.cseq().number, sdp: alice.sdp(port: 4010)), from: alice)
            try await eventually("the caller's answer address given to the relay") {
                session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4010))
            }
            #expect(await pbx.core.callSnapshots().first?.state == .answered)

            var hangup = caller
            pbx.send(hangup.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.hangupSide == .caller)
        }
    }

    /// A late-offer call the callee answers, whose caller ACKs with `answer`: the engine must
    /// hang up both sides with cause no_answer_in_ack.
    private func expectHangUp(whenTheAckCarries answer: String?) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, calleeInvite) = try await dialWithoutOffer(pbx)
            pbx.send(
                desk.respond(to: calleeInvite, status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(caller.ack(inviteCSeq: try invite.headers.cseq().number, sdp: answer), from: alice)

            let toCaller = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(toCaller.headers.callID == invite.headers.callID)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.cause == "no_answer_in_ack")
            #expect(cdr.disposition == .answered)
        }
    }

    @Test(
        "a late-offer caller whose extension speaks SRTP: its 2xx offers RTP/SAVP with the engine's key, and the ACK's key terminates side A"
    )
    func lateOfferCallerWithSRTP() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(alice.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(updated)
            let (invite, calleeInvite) = try await dialWithoutOffer(pbx)
            let calleeAnswer = SampleSDP.body(host: desk.address.host, port: 4002)
            pbx.send(desk.respond(to: calleeInvite, status: 200, toTag: "callee-tag", sdp: calleeAnswer), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let offer = try #require(SampleSDP.parse(ok.body))
            let audio = try #require(offer.firstAudioIndex.map { offer.media[$0] })
            #expect(audio.proto == "RTP/SAVP")
            let engineKey = try #require(
                audio.sdesCryptos.first?.simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) })
            let aliceKey = SRTPKeyMaterial.random()
            let answer = SampleSDP.secured(alice.sdp(port: 4010), key: aliceKey)
            let caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(caller.ack(inviteCSeq: try invite.headers.cseq().number, sdp: answer), from: alice)
            let session = try await pbx.media.onlySession()
            try await eventually("the caller's key terminated and its address given to the relay") {
                session.srtpTerminations.count == 1
                    && session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4010))
            }
            #expect(session.srtpTerminations.first?.side == .a)
            #expect(session.srtpTerminations.first?.keys?.fromPhone.master == aliceKey)
            #expect(session.srtpTerminations.first?.keys?.toPhone.master == engineKey)
        }
    }

    @Test("a late-offer caller whose ACK brings no answer is hung up on both sides, CDR cause no_answer_in_ack")
    func ackWithoutAnswer() async throws {
        try await expectHangUp(whenTheAckCarries: nil)
    }

    @Test("an ACK answer that rejects the audio stream (port 0) ends the call too")
    func ackRejectingAudio() async throws {
        try await expectHangUp(whenTheAckCarries: alice.sdp(port: 0))
    }

    @Test("a re-INVITE without SDP: the far side's offer reaches the caller, and its ACK waits for the caller's answer")
    func reInviteWithoutOffer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let acksBefore = pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) }.count
            let reInvite = call.caller.request(.invite)
            pbx.send(reInvite, from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(relayed.body.isEmpty)
            #expect(relayed.headers.callID == call.callee.callID)

            pbx.send(
                desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4004)), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try ok.headers.cseq().number == (try reInvite.headers.cseq().number))
            #expect(SampleSDP.endpoint(of: ok)?.address == PBXHarness.mediaAddress)
            #expect(SampleSDP.endpoint(of: ok)?.port == FakeMediaFactory.aPort)
            try await pbx.settle(via: alice)
            #expect(
                pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) }.count == acksBefore,
                "the callee's 2xx was ACKed before the caller answered its offer")

            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq, sdp: alice.sdp(port: 4012)), from: alice)
            let ackRequest = try await eventually("the callee's ACK with the caller's answer") {
                pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) }.dropFirst(acksBefore).first?.request
            }
            #expect(try ackRequest.headers.cseq().number == (try relayed.headers.cseq().number))
            let answer = try #require(SampleSDP.endpoint(of: ackRequest))
            #expect(answer.address == PBXHarness.mediaAddress)
            #expect(answer.port == FakeMediaFactory.bPort)
            try await eventually("the caller's new address given to the relay") {
                call.session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4012))
            }
        }
    }

    @Test(
        "a re-INVITE without SDP whose 2xx offers a hold: the answer in the caller's ACK suspends the RTP timeout and fixes the codec"
    )
    func reInviteWithoutOfferAnsweredInTheAck() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            #expect(call.session.timeoutChanges == [false])
            pbx.send(call.caller.request(.invite), from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            // The desk phone's 2xx offers PCMU and PCMA, and a hold.
            pbx.send(
                desk.respond(
                    to: relayed, status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4004, direction: "sendonly")),
                from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            // The caller answers with the second of them.
            let answer = [
                "v=0", "o=- 1 2 IN IP4 \(alice.address.host)", "s=-", "c=IN IP4 \(alice.address.host)", "t=0 0",
                "m=audio 4012 RTP/AVP 8", "a=rtpmap:8 PCMA/8000", "a=recvonly", "",
            ].joined(separator: "\r\n")
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq, sdp: answer), from: alice)
            try await eventually("the desk phone's ACK with the answer") {
                pbx.outbound.sent.contains { $0.isRequest(.ack, to: desk.address) && $0.request?.body.isEmpty == false }
            }
            #expect(call.session.timeoutChanges == [false, true])
            // Music on hold for the desk phone comes in the law the two phones settled on.
            pbx.send(call.caller.request(.invite, sdp: alice.sdp(port: 4012, direction: "sendonly")), from: alice)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(call.session.music[.b]?.encoding == "PCMA")
        }
    }

    @Test(
        "a re-INVITE without SDP whose caller never ACKs the relayed offer: both sides get BYE when the transaction gives up"
    )
    func reInviteWithoutOfferNeverAcknowledged() async throws {
        // The harness's T1 (50 ms): 64·T1 is 3.2 s, which the call's own ACK, sent at once,
        // beats on a loaded machine (with 10 ms a parallel run once ended the call before
        // its re-INVITE).
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            pbx.send(call.caller.request(.invite), from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(
                desk.respond(to: relayed, status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4004)), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            // No ACK from Alice: 64·T1 later the call ends.
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(try await pbx.finishedCDR(of: alice.number).cause == "ack_timeout")
        }
    }

    @Test("early media (183 with SDP) reaches a late-offer caller without the SDP: no offer in an unreliable response")
    func earlyMediaWithoutOffer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, calleeInvite) = try await dialWithoutOffer(pbx)
            pbx.send(
                desk.respond(to: calleeInvite, status: 183, toTag: "callee-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let progress = try await pbx.outbound.response(183, .invite, to: alice.address)
            #expect(progress.body.isEmpty)
            #expect(progress.headers.contentType == nil)
            // The relay still learns where the callee's early media comes from.
            let session = try await pbx.media.onlySession()
            try await eventually("the callee's address given to the relay") {
                session.remotes.contains { $0.side == .b && $0.port == 4002 }
            }
        }
    }

    @Test(
        "a callee that answers the engine's offer without SDP: the caller's 2xx still carries an offer (the engine's, at the A port)"
    )
    func calleeAnswersWithoutSDP() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, calleeInvite) = try await dialWithoutOffer(pbx)
            pbx.send(desk.respond(to: calleeInvite, status: 200, toTag: "callee-tag"), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let offer = try #require(SampleSDP.parse(ok.body), "the 2xx to a late-offer caller has no offer")
            #expect(offer.audioEndpoint?.address == PBXHarness.mediaAddress)
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(
                offer.firstAudioIndex.map { offer.media[$0].codecs.map(\.encodingName) } == [
                    "PCMA", "PCMU", "telephone-event",
                ])
        }
    }
}
