import Foundation
import Testing
import VPBXSDP
import VPBXSIP
import VPBXStore

@testable import VPBXPBX

@Suite("Calls: click-to-call from the console", .timeLimit(.minutes(1)))
struct OriginateTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// Registers alice and the desk, asks for a call from 100 to 101, and answers the INVITE
    /// to alice's phone; returns that INVITE, alice's dialog, and the desk's INVITE.
    private func answeredByTheCaller(_ pbx: PBXHarness) async throws -> (
        invite: SIPRequest, caller: PhoneDialog, deskInvite: SIPRequest, session: FakeMediaSession
    ) {
        try await pbx.register(alice)
        try await pbx.register(desk)
        let started = try await pbx.core.originate(from: "100", to: "101")
        #expect(started.state == .routing && started.caller == "100" && started.callee == "101")
        let invite = try await pbx.outbound.request(.invite, to: alice.address)
        pbx.send(alice.respond(to: invite, status: 180, toTag: "alice"), from: alice)
        let ok = alice.respond(to: invite, status: 200, toTag: "alice", sdp: alice.sdp(port: 4000))
        pbx.send(ok, from: alice)
        let ack = try await pbx.outbound.request(.ack, to: alice.address)
        #expect(ack.headers.callID == invite.headers.callID)
        let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
        return (invite, try PhoneDialog(callee: alice, invite: invite, ok: ok), deskInvite, try await pbx.media.onlySession())
    }

    @Test("the caller's phone rings first, showing the number; answered, it hears ringback while the number rings as a call from it; the callee's answer connects them")
    func ringTheCallerThenTheNumber() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, caller, deskInvite, session) = try await answeredByTheCaller(pbx)
            #expect(try invite.headers.from().uri.user == "101", "alice's phone shows whom it is about to call")
            #expect(try invite.headers.to().uri.user == "100")
            #expect(invite.headers["Call-Info"] == nil, "no auto-answer unless asked for")
            let offer = try #require(SampleSDP.parse(invite.body))
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(offer.media[0].formats == ["8", "0", "101"])

            #expect(session.ringback[.a] == MusicOnHold.Codec(encoding: "PCMU", payloadType: 0), "ringback in the codec alice chose")
            try await eventually("the relay's A side sends to alice's answer") {
                session.remotes.contains(FakeMediaSession.Remote(side: .a, host: alice.address.host, port: 4000))
            }
            #expect(try deskInvite.headers.from().uri.user == "100", "the desk sees alice calling")
            let deskOffer = try #require(SampleSDP.parse(deskInvite.body))
            #expect(deskOffer.audioEndpoint?.port == FakeMediaFactory.bPort)
            #expect(deskOffer.media[0].formats == ["0", "101", "8"], "the codec alice's phone uses (and the other law, bridged)")
            let ringing = try #require(await pbx.core.callSnapshots().first)
            #expect(ringing.state == .ringing && ringing.answeredAt == nil && ringing.caller == "100" && ringing.callee == "101")

            pbx.send(desk.respond(to: deskInvite, status: 180, toTag: "desk"), from: desk)
            let deskOK = desk.respond(to: deskInvite, status: 200, toTag: "desk", sdp: desk.sdp(port: 4002))
            pbx.send(deskOK, from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            try await eventually("answered") { await pbx.core.callSnapshots().first?.state == .answered }
            #expect(session.ringback.isEmpty, "alice hears the desk now")
            #expect(!session.isTimeoutSuspended)
            #expect(await pbx.core.callSnapshots().first?.answeredAt != nil)
            #expect(pbx.outbound.distinctCount { $0.destination == alice.address && $0.cseqMethod == .invite && $0.response != nil } == 0, "alice's phone is sent no response")

            var deskDialog = try PhoneDialog(callee: desk, invite: deskInvite, ok: deskOK)
            pbx.send(deskDialog.request(.bye), from: desk)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == invite.headers.callID)
            #expect(try bye.headers.fromTag() == (try invite.headers.fromTag()), "in the dialog the engine opened")
            #expect(try bye.headers.toTag() == "alice")
            let cdr = try await pbx.finishedCDR(of: "100")
            #expect(cdr.caller == "100" && cdr.callee == "101" && cdr.disposition == .answered && cdr.answeredAt != nil)
            #expect(cdr.hangupSide == .callee && cdr.path?.first == "originate:100")
            #expect(await pbx.core.callDialogCount == 0)
            _ = caller
        }
    }

    @Test("the caller's phone hangs up while the number rings: CANCEL to it, the record cancelled")
    func callerGivesUpWhileTheNumberRings() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (_, caller, deskInvite, session) = try await answeredByTheCaller(pbx)
            pbx.send(desk.respond(to: deskInvite, status: 180, toTag: "desk"), from: desk)
            try await pbx.settle(via: desk)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(cancel.headers.callID == deskInvite.headers.callID)
            let cdr = try await pbx.finishedCDR(of: "100")
            #expect(cdr.disposition == .cancelled && cdr.answeredAt == nil)
            try await eventually("the relay's ports freed") { session.isClosed }
        }
    }

    @Test("the callee's early media (a gateway's announcement) replaces the ringback; a plain 180 does not")
    func earlyMediaReplacesRingback() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (_, _, deskInvite, session) = try await answeredByTheCaller(pbx)
            pbx.send(desk.respond(to: deskInvite, status: 180, toTag: "desk"), from: desk)
            try await pbx.settle(via: desk)
            #expect(session.ringback[.a] != nil, "a 180 without SDP: ringback goes on")
            pbx.send(desk.respond(to: deskInvite, status: 183, toTag: "desk", sdp: desk.sdp(port: 4002)), from: desk)
            try await pbx.settle(via: desk)
            #expect(session.ringback.isEmpty, "alice hears the desk's early media")
            #expect(await pbx.core.callSnapshots().first?.answeredAt == nil)
        }
    }

    @Test("the number is busy: the caller's phone gets BYE and the record says busy")
    func numberBusy() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, _, deskInvite, _) = try await answeredByTheCaller(pbx)
            pbx.send(desk.respond(to: deskInvite, status: 486, toTag: "desk"), from: desk)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == invite.headers.callID)
            let cdr = try await pbx.finishedCDR(of: "100")
            #expect(cdr.disposition == .busy && cdr.answeredAt == nil)
        }
    }

    @Test("the caller's phone declines, or the operator hangs up while it rings: nothing else rings; busy, cancelled")
    func callerPhoneDeclinesOrIsCancelled() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(alice)
            try await pbx.register(desk)
            _ = try await pbx.core.originate(from: "100", to: "101", autoAnswer: true)
            let invite = try await pbx.outbound.request(.invite, to: alice.address)
            #expect(invite.headers["Call-Info"]?.contains("answer-after=0") == true)
            #expect(invite.headers["Alert-Info"]?.contains("info=alert-autoanswer") == true)
            pbx.send(alice.respond(to: invite, status: 486, toTag: "alice"), from: alice)
            let busy = try await pbx.finishedCDR(of: "100")
            #expect(busy.disposition == .busy && busy.callee == "101" && busy.cause == "486 Busy Here")
            #expect(await pbx.core.callSnapshots().isEmpty)

            let second = try await pbx.core.originate(from: "100", to: "101")
            let again = try await pbx.outbound.request(.invite, to: alice.address)
            #expect(await pbx.core.callSnapshots().map(\.id) == [second.id], "listed while it rings")
            pbx.send(alice.respond(to: again, status: 180, toTag: "alice2"), from: alice)
            try await pbx.settle(via: alice)
            #expect(await pbx.core.hangup(callID: second.id))
            let cancel = try await pbx.outbound.request(.cancel, to: alice.address)
            #expect(cancel.headers.callID == again.headers.callID)
            #expect(await pbx.core.callSnapshots().isEmpty)
            #expect(!pbx.outbound.sent.contains { $0.destination == desk.address && $0.request?.method == .invite })
            let cancelled = try await eventually("the second record finished") {
                try await pbx.cdrs.search(CDRQuery(number: "100")).first { $0.id == second.id && $0.disposition != .inProgress }
            }
            #expect(cancelled.disposition == .cancelled && cancelled.hangupSide == .system)
            #expect(await pbx.core.pendingTimerKinds().contains("originationNoAnswer") == false)
        }
    }

    @Test("refused with the reason: unknown extension, no phone, unknown number, itself")
    func refusals() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            func refusal(_ from: String, _ to: String) async -> OriginateError.Kind? {
                do {
                    _ = try await pbx.core.originate(from: from, to: to)
                    return nil
                } catch {
                    return error.kind
                }
            }
            #expect(await refusal("199", "101") == .notFound)
            #expect(await refusal("100", "101") == .conflict, "alice has no phone registered")
            try await pbx.register(alice)
            #expect(await refusal("100", "555") == .notFound)
            #expect(await refusal("100", "102") == .notFound, "carol has no phone and no mailbox")
            #expect(await refusal("100", "100") == .conflict)
            #expect(await pbx.core.callSnapshots().isEmpty)
            #expect(!pbx.outbound.sent.contains { $0.request?.method == .invite })
        }
    }
}
