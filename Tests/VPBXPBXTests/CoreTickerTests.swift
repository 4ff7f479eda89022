import Synchronization
import Testing

@testable import VPBXPBX

/// When the core's timer tick comes: every interval while timers are due, seldom when idle,
/// and at once again when an earlier timer is scheduled. Waits are bounded and generous; the
/// counts asserted are what the old fixed tick could not do (a hundred ticks where a few are
/// allowed, none where one is required), not timings.
@Suite("CoreTicker", .timeLimit(.minutes(1)))
struct CoreTickerTests {
    /// Counts ticks and lets a test wait for the next one.
    final class Ticks: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .sequentiallyConsistent) }
        func add() { count.add(1, ordering: .sequentiallyConsistent) }

        /// Waits up to `limit` for the count to reach `target`; the count then.
        func wait(for target: Int, upTo limit: Duration) async -> Int {
            let end = ContinuousClock.now + limit
            while value < target, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(5)) }
            return value
        }
    }

    /// Runs `ticker` whose ticks plan `next` (as the core does on each tick) while `body` runs.
    private func running(
        _ ticker: CoreTicker, planning next: @escaping @Sendable () -> ContinuousClock.Instant?,
        _ body: (Ticks) async -> Void
    ) async {
        let ticks = Ticks()
        let task = Task {
            await ticker.run {
                ticks.add()
                ticker.plan(next: next(), now: .now)
            }
        }
        await body(ticks)
        task.cancel()
        await task.value
    }

    @Test func withNothingDueItTicksOnlyAtItsIdleLimit() async {
        let ticker = CoreTicker(interval: .milliseconds(5), idleLimit: .milliseconds(250))
        await running(ticker, planning: { nil }) { ticks in
            _ = await ticks.wait(for: 1, upTo: .seconds(5))  // the first tick plans the rest
            let first = ticks.value
            try? await Task.sleep(for: .seconds(1))
            // A fixed 5 ms tick gives about 200 here; the idle limit at most 5 (a slow
            // machine gives fewer).
            #expect(ticks.value - first <= 6)
        }
    }

    @Test func whileATimerIsDueItTicksEveryInterval() async {
        let ticker = CoreTicker(interval: .milliseconds(5), idleLimit: .seconds(30))
        await running(ticker, planning: { .now }) { ticks in
            #expect(await ticks.wait(for: 20, upTo: .seconds(10)) >= 20)
        }
    }

    @Test func anEarlierDeadlineWakesASleepingTicker() async {
        let ticker = CoreTicker(interval: .milliseconds(5), idleLimit: .seconds(30))
        await running(ticker, planning: { nil }) { ticks in
            _ = await ticks.wait(for: 1, upTo: .seconds(5))
            try? await Task.sleep(for: .milliseconds(100))  // asleep for 30 s now
            let before = ticks.value
            ticker.noteDeadline(.now + .milliseconds(50))
            // Without the wake-up the next tick would be 30 s away.
            #expect(await ticks.wait(for: before + 1, upTo: .seconds(10)) > before)
        }
    }

    @Test func aDeadlineLaterThanItsWakeUpLeavesItAsleep() async {
        let ticker = CoreTicker(interval: .milliseconds(5), idleLimit: .milliseconds(400))
        await running(ticker, planning: { nil }) { ticks in
            _ = await ticks.wait(for: 1, upTo: .seconds(5))
            let before = ticks.value
            for _ in 0..<50 { ticker.noteDeadline(.now + .seconds(20)) }
            try? await Task.sleep(for: .milliseconds(300))
            #expect(ticks.value - before <= 2)
        }
    }

    @Test func cancellingASleepingTickerEndsItAtOnce() async {
        let ticker = CoreTicker(interval: .milliseconds(5), idleLimit: .seconds(30))
        let ticks = Ticks()
        let task = Task {
            await ticker.run {
                ticks.add()
                ticker.plan(next: nil, now: .now)
            }
        }
        _ = await ticks.wait(for: 1, upTo: .seconds(5))
        try? await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        task.cancel()
        await task.value
        // Bounded by the suite's time limit either way; 30 s would mean it slept on.
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
