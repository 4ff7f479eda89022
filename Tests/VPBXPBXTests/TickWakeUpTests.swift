import Testing

@testable import VPBXPBX

/// The core's side of ``CoreTicker``: an idle core's tick sleeps until its earliest timer, so
/// every timer the core schedules must tell the ticker, or a call arriving at an idle
/// exchange would have its first timers fire only when the sleep ends. `CoreTickerTests`
/// cover the ticker alone; this covers the core telling it.
@Suite("Timers: a new timer wakes an idle core's sleeping tick", .timeLimit(.minutes(1)))
struct TickWakeUpTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("with the tick asleep for a minute, a new call's INVITE is still retransmitted after T1")
    func newCallWakesTheSleepingTick() async throws {
        var configuration = PBXHarness.configuration
        configuration.idleTickLimit = .seconds(60)
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            try await pbx.register(desk)
            // The registration's wait timers (64·T1 = 3.2 s) fire; then nothing is due and
            // the tick sleeps for the whole minute.
            try await eventually("no timer left and the tick asleep", timeout: .seconds(10)) {
                let ticker = await pbx.core.ticker
                return await pbx.core.pendingTimerKinds().isEmpty && ticker.isSleepingLong
            }

            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: desk.address)
            // Timer A resends it after T1 (50 ms here), then 100, 200, 400 ms: a tick that
            // slept on would send nothing for a minute.
            try await eventually("the INVITE to the unanswering desk phone resent", timeout: .seconds(3)) {
                pbx.outbound.sent.filter { $0.request == invite && $0.destination == desk.address }.count >= 2
            }
        }
    }
}
