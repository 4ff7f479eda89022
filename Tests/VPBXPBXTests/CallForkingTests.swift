import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// A call to an extension with two registered phones: authentication, parallel forking,
/// anchored media, first answer wins, caller hangs up.
@Suite("Calls: forking and answer", .timeLimit(.minutes(1)))
struct CallForkingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let soft = Cast.bobSoft

    /// A phone that has not yet said it rings is cancelled once it does (RFC 3261 §9.1); its
    /// CANCEL says the call was answered elsewhere all the same. A call the caller gave up
    /// says nothing of the kind: that one was missed.
    @Test("a contact cancelled before its first provisional response hears 'completed elsewhere' too; the caller's CANCEL carries no such Reason")
    func answeredElsewhereReasonOnlyWhenAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await pbx.settle(via: alice)
            let early = pbx.outbound.sent.filter { $0.isRequest(.cancel, to: soft.address) }.count
            #expect(early == 0, "a CANCEL before the soft phone's provisional response")
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 100, toTag: "soft-tag"), from: soft)
            let cancel = try await pbx.outbound.request(.cancel, to: soft.address)
            #expect(cancel.headers["Reason"] == "SIP;cause=200;text=\"Call completed elsewhere\"")

            let second = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: second.calleeInvites[0], status: 180, toTag: "desk-tag-2"), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)
            pbx.send(alice.cancel(second.callerInvite), from: alice)
            let given = try await pbx.outbound.next("the CANCEL of the second call") {
                $0.isRequest(.cancel, to: desk.address) && $0.message.headers.callID == second.calleeInvites[0].headers.callID
            }.request!
            #expect(given.headers["Reason"] == nil)
        }
    }

    /// The CANCEL held back for a phone's first provisional response outlives the call: it
    /// still says the call was answered elsewhere when it goes after the call ended.
    @Test("a phone silent until the answered call ended gets its CANCEL with the Reason")
    func answeredElsewhereReasonAfterTheCallEnded() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let answer = try await pbx.outbound.response(200, .invite, to: alice.address)
            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: answer)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(await pbx.core.callSnapshots().isEmpty)

            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 180, toTag: "soft-tag"), from: soft)
            let cancel = try await pbx.outbound.request(.cancel, to: soft.address)
            #expect(try cancel.headers.topVia().branch == (try ringing.calleeInvites[1].headers.topVia().branch))
            #expect(cancel.headers["Reason"] == "SIP;cause=200;text=\"Call completed elsewhere\"")
        }
    }

    @Test("answered call: ringing and answer relayed with anchored SDP, the other phone cancelled, BYE, CDR")
    func answeredCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            for invite in ringing.calleeInvites {
                let offer = try #require(SampleSDP.endpoint(of: invite))
                #expect(offer.address == PBXHarness.mediaAddress)
                #expect(offer.port == FakeMediaFactory.bPort)
                #expect(invite.uri.serialized == (invite == ringing.calleeInvites[0] ? desk.contact : soft.contact))
            }
            let session = try await pbx.media.onlySession()
            // `call.list` shows both ringing phones (events leave them out).
            #expect(await pbx.core.callSnapshots().first?.calleeContacts == [desk.contact, soft.contact])

            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 180, toTag: "soft-tag"), from: soft)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)  // soft's, no SDP
            let ringback = try await pbx.outbound.response(180, .invite, to: alice.address)
            let early = try #require(SampleSDP.endpoint(of: ringback))
            #expect(early.address == PBXHarness.mediaAddress)
            #expect(early.port == FakeMediaFactory.aPort)

            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            let answer = try await pbx.outbound.response(200, .invite, to: alice.address)
            let anchored = try #require(SampleSDP.endpoint(of: answer))
            #expect(anchored.address == PBXHarness.mediaAddress)
            #expect(anchored.port == FakeMediaFactory.aPort)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(ack.headers.callID == ringing.calleeInvites[0].headers.callID)
            let cancel = try await pbx.outbound.request(.cancel, to: soft.address)
            #expect(try cancel.headers.topVia().branch == (try ringing.calleeInvites[1].headers.topVia().branch))
            // RFC 3326: the soft phone lists no missed call.
            #expect(cancel.headers["Reason"] == "SIP;cause=200;text=\"Call completed elsewhere\"")
            pbx.send(soft.respond(to: cancel, status: 200, toTag: "soft-tag"), from: soft)
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 487, toTag: "soft-tag"), from: soft)
            _ = try await pbx.outbound.request(.ack, to: soft.address)  // the transaction ACKs the 487

            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: answer)
            pbx.send(caller.ack(inviteCSeq: 2), from: alice)
            try await eventually("both media remotes set") { session.remotes.count >= 2 }
            #expect(session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4000)))
            #expect(session.remotes.contains(.init(side: .b, host: desk.address.host, port: 4002)))

            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(bye.headers.callID == ringing.calleeInvites[0].headers.callID)
            pbx.send(desk.respond(to: bye, status: 200, toTag: "unused"), from: desk)

            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.hangupSide == .caller)
            #expect(cdr.cause == "BYE")
            #expect(cdr.answeredAt != nil)
            #expect(cdr.caller == alice.number && cdr.callee == desk.number)
            try await eventually("media closed") { session.isClosed }
            #expect(await pbx.core.callSnapshots().isEmpty)
        }
    }

    /// RFC 3261 §9.1: a contact that has not answered anything yet gets its CANCEL only once it
    /// sends a provisional response; 100 Trying counts as one.
    @Test("a contact answering after the other phone answered is cancelled only then", arguments: [100, 180])
    func cancelWaitsForProvisional(provisional: Int) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.cancel, to: soft.address) } == 0)

            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: provisional, toTag: "soft-tag"), from: soft)
            let cancel = try await pbx.outbound.request(.cancel, to: soft.address)
            #expect(cancel.headers.callID == ringing.calleeInvites[1].headers.callID)
            #expect(pbx.outbound.distinctCount { $0.response?.statusCode == 180 && $0.destination == alice.address } == 0)
        }
    }

    @Test("a contact that already sent a provisional is cancelled as soon as the other answers", arguments: [100, 180])
    func cancelAtOnce(provisional: Int) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: provisional, toTag: "soft-tag"), from: soft)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            _ = try await pbx.outbound.request(.cancel, to: soft.address)
        }
    }

    @Test("a second contact answering after the first gets ACK and BYE")
    func lateSecondAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 200, toTag: "soft-tag", sdp: soft.sdp()), from: soft)
            _ = try await pbx.outbound.request(.ack, to: soft.address)
            _ = try await pbx.outbound.request(.bye, to: soft.address)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isResponse(200, .invite, to: alice.address) } == 1)
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    @Test("a second 2xx to one INVITE with another To tag (forked behind the contact): ACK and BYE to that dialog; the first goes on")
    func secondDialogFromOneContact() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "first-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "second-tag", sdp: desk.sdp(port: 4010)), from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            #expect(try ack.headers.toTag() == "second-tag")
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(try bye.headers.toTag() == "second-tag")
            // The first dialog's 2xx again still gets its own ACK, and the call is up.
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "first-tag", sdp: desk.sdp()), from: desk)
            try await eventually("the first dialog's ACK again") {
                pbx.outbound.sent.filter { $0.isRequest(.ack, to: desk.address) && (try? $0.request?.headers.toTag()) == "first-tag" }.count == 2
            }
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: alice.address) } == 0)
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }

    /// The relay's B side latches to the first RTP it gets, early media included, and keeps
    /// that address: a contact whose early media came first but lost must not keep the
    /// answering phone's RTP out for the whole call.
    @Test("another contact's early media: the relay's B side latches anew once that contact has stopped")
    func earlyMediaOfTheLosingContactIsUnlatched() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 183, toTag: "soft-tag", sdp: soft.sdp(port: 4100)), from: soft)
            _ = try await pbx.outbound.response(183, .invite, to: alice.address)
            let session = try await pbx.media.onlySession()
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let cancel = try await pbx.outbound.request(.cancel, to: soft.address)
            // Still sending until its CANCEL ends it: a relatch now could latch to it again.
            #expect(!session.relatched.contains(.b))
            pbx.send(soft.respond(to: cancel, status: 200, toTag: "soft-tag"), from: soft)
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 487, toTag: "soft-tag"), from: soft)
            try await eventually("the B side latches anew") { session.relatched.contains(.b) }
            #expect(session.remotes.last == .init(side: .b, host: desk.address.host, port: 4000))
        }
    }

    @Test("a contact whose early media came before it failed: the B side latches anew at the other's answer")
    func earlyMediaOfAFailedContactIsUnlatchedAtTheAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 183, toTag: "soft-tag", sdp: soft.sdp(port: 4100)), from: soft)
            _ = try await pbx.outbound.response(183, .invite, to: alice.address)
            let session = try await pbx.media.onlySession()
            pbx.send(soft.respond(to: ringing.calleeInvites[1], status: 486, toTag: "soft-tag"), from: soft)
            _ = try await pbx.outbound.request(.ack, to: soft.address)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await eventually("the B side latches anew") { session.relatched.contains(.b) }
        }
    }

    @Test("early media from the contact that answers: its latch stays")
    func earlyMediaOfTheAnsweringContactStaysLatched() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 183, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(183, .invite, to: alice.address)
            let session = try await pbx.media.onlySession()
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await pbx.settle(via: alice)
            #expect(session.relatched.isEmpty)
        }
    }

    /// Both contacts share the call's Call-ID and the engine's tag; only the remote tag tells
    /// their dialogs apart (RFC 3261 §12.2.2). A BYE from the one that lost, crossing the
    /// engine's, must not end the call the other answered.
    @Test("a 2xx without SDP after early media with it (some gateways): the caller's 200 carries that answer, anchored")
    func answerWithoutSDPAfterEarlyMedia() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 183, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let progress = try await pbx.outbound.response(183, .invite, to: alice.address)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag"), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let answer = try #require(SampleSDP.endpoint(of: ok), "no SDP in the caller's 200")
            #expect(answer.address == PBXHarness.mediaAddress && answer.port == FakeMediaFactory.aPort)
            #expect(SampleSDP.parse(ok.body)?.media.first?.formats == SampleSDP.parse(progress.body)?.media.first?.formats)
        }
    }

    @Test("a BYE from the contact that answered second does not end the call the first answered")
    func losingContactsByeLeavesTheCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk, soft])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let lateOK = soft.respond(to: ringing.calleeInvites[1], status: 200, toTag: "soft-tag", sdp: soft.sdp())
            pbx.send(lateOK, from: soft)
            _ = try await pbx.outbound.request(.ack, to: soft.address)
            _ = try await pbx.outbound.request(.bye, to: soft.address)

            var softDialog = try PhoneDialog(callee: soft, invite: ringing.calleeInvites[1], ok: lateOK)
            pbx.send(softDialog.request(.bye), from: soft)
            _ = try await pbx.outbound.response(481, .bye, to: soft.address)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: alice.address) } == 0)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: desk.address) } == 0)
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
        }
    }
}
