import Foundation
import Testing

@testable import VPBXPBX

/// A transaction's wait timers (J, K, L, M: 64·T1 or T4, never cancelled) wait in the timer
/// queue's lanes, not its wheel. They must still fire and end their transactions: until then
/// a retransmitted BYE gets the kept 200 again, afterwards it is a new request for a call
/// that no longer exists.
@Suite("Timers: wait timers end their transactions", .timeLimit(.minutes(1)))
struct WaitTimerTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("a BYE resent in timer J's wait gets the same 200; once the wait timers fired it gets 481")
    func waitTimersFireFromTheirLanes() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let bye = call.caller.request(.bye)
            pbx.send(bye, from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let toCallee = try await pbx.outbound.request(.bye, to: desk.address)
            pbx.send(desk.respond(to: toCallee, status: 200, toTag: "callee-tag"), from: desk)
            _ = try await pbx.finishedCDR(of: alice.number)
            let answersToBye = { pbx.outbound.sent.filter { $0.isResponse(200, .bye, to: alice.address) } }

            pbx.send(bye, from: alice)
            try await eventually("the kept 200 resent") { answersToBye().count == 2 }
            #expect(answersToBye()[0].message == answersToBye()[1].message, "the same 200")
            #expect(await pbx.core.pendingTimerKinds().contains("server J"))

            // The harness's T1 is 50 ms: every wait timer is due within 64·T1 = 3.2 s.
            try await eventually("every timer fired", timeout: .seconds(10)) {
                await pbx.core.pendingTimerKinds().isEmpty
            }
            pbx.send(bye, from: alice)
            _ = try await pbx.outbound.response(481, .bye, to: alice.address)
            #expect(answersToBye().count == 2, "no third 200: the transaction had ended")
        }
    }
}
