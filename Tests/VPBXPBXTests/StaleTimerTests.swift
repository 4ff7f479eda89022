import Foundation
import Testing

@testable import VPBXPBX

/// Timers known to be stale leave the wheel at once instead of waiting up to 64·T1 to fire
/// for nothing: a transaction's timeout (B, F) once its final response arrived, a call's
/// no-answer timer once it was answered or ended.
@Suite("Timers: stale ones taken out", .timeLimit(.minutes(1)))
struct StaleTimerTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    @Test("after an answered call ends by BYE, only the wait timers are left: no B, F or no-answer timer")
    func answeredCallLeavesOnlyWaitTimers() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let whileTalking = await pbx.core.pendingTimerKinds()
            #expect(!whileTalking.contains("noAnswer"), "answered: \(whileTalking)")
            #expect(!whileTalking.contains("client B"), "the callee's INVITE has its final response: \(whileTalking)")
            #expect(whileTalking.contains("client M"), "RFC 6026 Accepted waits: \(whileTalking)")

            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            pbx.send(desk.respond(to: bye, status: 200, toTag: "callee-tag"), from: desk)
            _ = try await pbx.finishedCDR(of: alice.number)
            try await eventually("the callee's 200 to our BYE handled") {
                await pbx.core.pendingTimerKinds().contains("client K")
            }
            let afterwards = await pbx.core.pendingTimerKinds()
            #expect(!afterwards.contains("client F"), "the BYE has its final response: \(afterwards)")
            #expect(!afterwards.contains("client B") && !afterwards.contains("noAnswer"), "\(afterwards)")
            #expect(afterwards.contains("server J"), "the caller's BYE transaction waits for retransmissions: \(afterwards)")
        }
    }

    @Test("a call that was never answered leaves no no-answer timer behind when the caller cancels")
    func cancelledCallLeavesNoNoAnswerTimer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            #expect(await pbx.core.pendingTimerKinds().contains("noAnswer"), "ringing")
            pbx.send(alice.cancel(ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.response(487, .invite, to: alice.address)
            try await eventually("no no-answer timer once the call ended") {
                await !pbx.core.pendingTimerKinds().contains("noAnswer")
            }
        }
    }

    /// An application (a menu) hands the caller to an extension; when that phase fails back to
    /// the application, its no-answer timer goes with it.
    @Test("a hand-on phase that fails back to the application leaves no no-answer timer")
    func handOnPhaseFailingBackLeavesNoNoAnswerTimer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            // desk stands in for the application that answered the caller.
            let call = try await pbx.establish(from: alice, to: desk)
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(carol.number), step: "test"))
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(await pbx.core.pendingTimerKinds().contains("noAnswer"), "ringing carol")
            pbx.send(carol.respond(to: invite, status: 486, toTag: "carol-tag"), from: carol)
            try await eventually("the phase failed back to the application") {
                await !pbx.core.pendingTimerKinds().contains("noAnswer")
            }
            #expect(await pbx.core.callSnapshots().count == 1, "the caller is back with the application, not hung up")
        }
    }
}
