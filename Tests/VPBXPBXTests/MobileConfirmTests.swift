import Foundation
import Synchronization
import Testing
import VPBXSIP
import VPBXStore

@testable import VPBXPBX

/// A mobile extension with `--mobile-confirm on`: its mobile's answer is held until the
/// mobile presses 1, so that a mobile network's voicemail cannot take the call.
@Suite("Mobile confirms its calls", .timeLimit(.minutes(1)))
struct MobileConfirmTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let provider = Phone("+3612345600", at: "192.0.2.77")

    /// The provider's trunk, for calls out.
    private func withTrunk(_ pbx: PBXHarness) async {
        var plan = DialPlan()
        plan.trunks = [
            Trunk(name: "carrier", host: provider.address.host, callerID: "+3612345600", numberFormat: .digits)
        ]
        await pbx.core.setDialPlan(plan)
    }

    /// Bob (101) made a mobile extension ringing +36309998877 through the provider's trunk.
    private func mobileBob(_ pbx: PBXHarness, confirm: Bool = true) async throws {
        await withTrunk(pbx)
        let updated = try await pbx.extensions.update(
            desk.number,
            with: ExtensionPatch(kind: .mobile, mobileNumber: .set("+36309998877"), mobileConfirm: confirm))
        await pbx.core.extensionChanged(updated)
    }

    /// Alice calls Bob; the mobile's INVITE is answered by the provider (200 with G.711 and
    /// telephone-event) and acknowledged. Returns Alice's INVITE, the mobile's INVITE and its 200.
    private func mobileAnswers(_ pbx: PBXHarness) async throws -> (SIPRequest, SIPRequest, SIPResponse) {
        let invite = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
        let out = try await pbx.outbound.request(.invite, to: provider.address)
        let ok = provider.respond(to: out, status: 200, toTag: "mobile-tag", sdp: provider.sdp(port: 5004))
        pbx.send(ok, from: provider)
        _ = try await pbx.outbound.request(.ack, to: provider.address)
        return (invite, out, ok)
    }

    private var callerWasAnswered: (SentMessage) -> Bool {
        { [alice] in $0.isResponse(200, .invite, to: alice.address) }
    }

    @Test(
        "the mobile's answer waits: it hears the prompt, the caller ringing; 1 connects them and stops the desk phone")
    func pressingOneTakesTheCall() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(Cast.everyone, events: { event in events.withLock { $0.append(event) } }) { pbx in
            try await pbx.register(desk)
            try await mobileBob(pbx)
            let (invite, _, _) = try await mobileAnswers(pbx)
            let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(desk.respond(to: deskInvite, status: 180, toTag: "desk-tag"), from: desk)
            let media = try await pbx.media.onlySession()
            try await eventually("the prompt to the mobile") { media.prompts[.b] == "confirm-call/hu/PCMU" }
            #expect(media.ringback[.a] != nil, "the caller must hear ringing, not the mobile")
            #expect(media.digitWatches[.b]?.eventPayloadType == 101)
            #expect(!pbx.outbound.sent.contains(where: callerWasAnswered), "answered before the mobile pressed 1")
            #expect(
                !pbx.outbound.sent.contains { $0.isRequest(.cancel, to: desk.address) },
                "the desk phone stopped ringing")

            // The desk's early media meanwhile does not take the relay from the mobile asked.
            pbx.send(
                desk.respond(to: deskInvite, status: 183, toTag: "desk-tag", sdp: desk.sdp(port: 4020)), from: desk)
            _ = try await pbx.outbound.response(183, .invite, to: alice.address)
            #expect(media.remotes.last?.port == 5004, "\(media.remotes)")
            // A console sees the question: the call is being confirmed by Bob's mobile.
            try await eventually("the confirming event") {
                events.withLock { $0.contains { if case .callConfirming(_, "101") = $0 { true } else { false } } }
            }
            #expect(!events.withLock { $0.contains { if case .callAnswered = $0 { true } else { false } } })
            #expect(media.press("1", from: .b))
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(media.prompts.isEmpty && media.ringback.isEmpty && media.digitWatches.isEmpty)
            var caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(caller.ack(inviteCSeq: try invite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.path?.contains("confirm:\(desk.number)=accepted") == true, "\(cdr.path ?? [])")
        }
    }

    @Test("another key hangs the mobile up; the desk phone rings on and its answer takes the call")
    func anotherKeyRefuses() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            try await mobileBob(pbx)
            let (invite, _, _) = try await mobileAnswers(pbx)
            let media = try await pbx.media.onlySession()
            try await eventually("the mobile asked") { media.digitWatches[.b] != nil }
            let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(media.press("2", from: .b))
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            #expect(media.prompts.isEmpty && media.digitWatches.isEmpty)
            #expect(!pbx.outbound.sent.contains(where: callerWasAnswered))
            // The caller rings on, hearing the engine's ringing, until the desk answers.
            #expect(media.ringback[.a] != nil)
            pbx.send(
                desk.respond(to: deskInvite, status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4020)), from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(media.ringback[.a] == nil)
            // The mobile may still send: the desk's media must take the latch from it.
            try await eventually("the relay latches away from the mobile") { media.relatchedAway.contains(.b) }
            var caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(caller.ack(inviteCSeq: try invite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.path?.contains("confirm:\(desk.number)=refused") == true, "\(cdr.path ?? [])")
        }
    }

    @Test("the desk phone answering while the mobile is asked hangs the mobile up and takes the relay back")
    func deskAnswersFirst() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            try await mobileBob(pbx)
            _ = try await mobileAnswers(pbx)
            let media = try await pbx.media.onlySession()
            try await eventually("the mobile asked") { media.digitWatches[.b] != nil }
            let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(
                desk.respond(to: deskInvite, status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4020)), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            #expect(media.prompts.isEmpty && media.ringback.isEmpty && media.digitWatches.isEmpty)
            try await eventually("the relay follows the desk phone") { media.relatchedAway.contains(.b) }
            #expect(media.remotes.last?.port == 4020)
            // A late key from the mobile changes nothing.
            #expect(!media.press("1", from: .b))
        }
    }

    @Test(
        "a network that sends keys as SIP INFO only: the mobile's INFO with 1 (application/dtmf-relay) is answered 200 and takes the call"
    )
    func keyAsSIPInfo() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await mobileBob(pbx)
            let (_, out, ok) = try await mobileAnswers(pbx)
            let media = try await pbx.media.onlySession()
            try await eventually("the mobile asked") { media.digitWatches[.b] != nil }
            var mobile = try PhoneDialog(callee: provider, invite: out, ok: ok)
            var info = mobile.request(.info)
            info.headers.add("Content-Type", "application/dtmf-relay")
            info.body = Array("Signal=1\r\nDuration=160\r\n".utf8)
            pbx.send(info, from: provider)
            _ = try await pbx.outbound.response(200, .info, to: provider.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(media.prompts.isEmpty && media.digitWatches.isEmpty)
        }
    }

    @Test(
        "the mobile hanging up before it pressed 1 is a leg that failed: with nothing else ringing the caller gets 480")
    func mobileHangsUp() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await mobileBob(pbx)
            // No desk phone registered: the mobile is all that rings.
            let (_, out, ok) = try await mobileAnswers(pbx)
            var mobile = try PhoneDialog(callee: provider, invite: out, ok: ok)
            pbx.send(mobile.request(.bye), from: provider)
            _ = try await pbx.outbound.response(200, .bye, to: provider.address)
            _ = try await pbx.outbound.response(480, .invite, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.path?.contains("confirm:\(desk.number)=hung-up") == true, "\(cdr.path ?? [])")
            #expect(cdr.disposition == .failed)
        }
    }

    @Test("a mobile that presses nothing in time is hung up; with nothing else ringing the caller gets 480")
    func mobileTimesOut() async throws {
        var configuration = PBXHarness.configuration
        configuration.mobileConfirmTimeout = .milliseconds(300)
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            try await mobileBob(pbx)
            _ = try await mobileAnswers(pbx)
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            _ = try await pbx.outbound.response(480, .invite, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.path?.contains("confirm:\(desk.number)=timeout") == true, "\(cdr.path ?? [])")
        }
    }

    /// A menu (the desk phone stands in for it, answered on port 4002) hands Alice on to
    /// Carol (102), a mobile extension asked to confirm; the mobile answers.
    private func handOnToMobileCarol(_ pbx: PBXHarness) async throws -> (PBXHarness.Established, SIPRequest) {
        let call = try await pbx.establish(from: alice, to: desk)
        await withTrunk(pbx)
        let carol = try await pbx.extensions.update(
            Cast.carol.number,
            with: ExtensionPatch(kind: .mobile, mobileNumber: .set("+36309998877"), mobileConfirm: true))
        await pbx.core.extensionChanged(carol)
        #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(carol.number), step: "ivr:main=1"))
        let out = try await pbx.outbound.request(.invite, to: provider.address)
        pbx.send(
            provider.respond(to: out, status: 200, toTag: "mobile-tag", sdp: provider.sdp(port: 5004)), from: provider)
        _ = try await pbx.outbound.request(.ack, to: provider.address)
        let media = call.session
        try await eventually("the mobile asked") { media.digitWatches[.b] != nil }
        #expect(media.prompts[.b] == "confirm-call/hu/PCMU")
        #expect(media.ringback[.a] != nil)
        // The menu keeps sending: the relay's B side is lent to the mobile, latched away from it.
        try await eventually("the relay lent to the mobile") {
            media.remotes.last?.port == 5004 && media.relatchedAway.contains(.b)
        }
        return (call, out)
    }

    @Test("a menu's hand-on asks too: a 2 gives the relay back to the menu and the caller is the menu's again")
    func handOnRefusedGoesBackToTheMenu() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (call, _) = try await handOnToMobileCarol(pbx)
            let media = call.session
            let awayBefore = media.relatchedAway.count
            #expect(media.press("2", from: .b))
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            try await eventually("the relay given back to the menu") {
                media.remotes.last?.port == 4002 && media.relatchedAway.count == awayBefore + 1
            }
            #expect(media.ringback[.a] == nil && media.prompts.isEmpty && media.digitWatches.isEmpty)
            #expect(await pbx.core.handOnResult(callID: call.callee.callID) == .failed(busy: false))
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.bye, to: desk.address) }, "the menu was hung up")
        }
    }

    @Test(
        "a menu's hand-on: the mobile's 1 connects the caller and hangs the menu up, with no second answer to the caller"
    )
    func handOnAccepted() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (call, _) = try await handOnToMobileCarol(pbx)
            let media = call.session
            let answersBefore = pbx.outbound.distinctCount(where: callerWasAnswered)
            #expect(media.press("1", from: .b))
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(
                await pbx.core.handOnResult(callID: call.callee.callID) == .connected(answeredBy: Cast.carol.number))
            #expect(media.ringback[.a] == nil && media.prompts.isEmpty && media.digitWatches.isEmpty)
            #expect(pbx.outbound.distinctCount(where: callerWasAnswered) == answersBefore)
        }
    }

    @Test(
        "a desk forwarding to a mobile with --mobile-confirm on: the mobile is asked for the desk; its refusal leaves the call to the desk's voicemail"
    )
    func forwardToAMobileIsAsked() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await withTrunk(pbx)
            await pbx.core.setMailbox(desk.number, enabled: true)
            let updated = try await pbx.extensions.update(
                desk.number, with: ExtensionPatch(forwardBusy: .set("+36309998877"), mobileConfirm: true))
            await pbx.core.extensionChanged(updated)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "busy-tag"), from: desk)
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            pbx.send(
                provider.respond(to: out, status: 200, toTag: "mobile-tag", sdp: provider.sdp(port: 5004)),
                from: provider)
            _ = try await pbx.outbound.request(.ack, to: provider.address)
            let media = try await pbx.media.onlySession()
            try await eventually("the mobile asked") { media.prompts[.b] == "confirm-call/hu/PCMU" }
            #expect(!pbx.outbound.sent.contains(where: callerWasAnswered))
            #expect(media.press("2", from: .b))
            _ = try await pbx.outbound.request(.bye, to: provider.address)
            let voicemail = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(voicemail.uri.user == Application.voicemail(mailbox: desk.number, busy: false).user)
        }
    }

    @Test("without --mobile-confirm the mobile's answer is the call's at once")
    func withoutConfirmation() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await mobileBob(pbx, confirm: false)
            _ = try await mobileAnswers(pbx)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let media = try await pbx.media.onlySession()
            #expect(media.prompts.isEmpty && media.digitWatches.isEmpty)
        }
    }
}
