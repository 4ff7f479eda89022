import Dispatch
import Synchronization

/// Decides when the core gets its next timer tick.
///
/// The core keeps its timers in one ``TimerQueue`` and fires what is due on a tick. A fixed
/// 10 ms tick cost an idle engine about 3 % of a core (two thread wake-ups a tick, a hundred
/// times a second, with nothing to do; `bench/soak`). So the tick follows the timers instead:
/// while one is due within a tick it comes every ``interval`` as before; otherwise the ticker
/// sleeps until the earliest deadline, at most ``idleLimit`` (the core's housekeeping, such as
/// binding expiry, runs on ticks too). A timer scheduled earlier than the ticker means to wake
/// wakes it (``noteDeadline(_:)``), so no timer fires later than it would have.
///
/// The core calls ``plan(next:now:)`` on each tick and ``noteDeadline(_:)`` for each timer it
/// schedules; the ticker's own task runs ``run(_:)``. Deadlines are kept as nanoseconds since
/// ``origin`` in an atomic, so the core's side costs two atomic loads per timer under load.
final class CoreTicker: Sendable {
    /// The tick while timers are due soon: the timer queue's resolution.
    let interval: Duration
    /// The longest sleep with nothing due.
    let idleLimit: Duration
    private let origin = ContinuousClock.now
    /// The earliest deadline the core told of, in nanoseconds since `origin`.
    private let nextDeadline: Atomic<Int64>
    /// True while the ticker sleeps longer than one interval (and may need waking).
    private let sleepingLong = Atomic<Bool>(false)
    private let sleeper = Mutex(Sleeper())

    private struct Sleeper {
        var continuation: CheckedContinuation<Void, Never>?
        var wakeAt: Int64 = 0
        /// Tells a timeout that fires after the sleep it was for ended from the current one.
        var generation: UInt64 = 0
    }

    init(interval: Duration, idleLimit: Duration = .seconds(1)) {
        self.interval = interval
        self.idleLimit = max(idleLimit, interval)
        nextDeadline = Atomic(0)  // due at once: the first tick plans the rest
    }

    /// Ticks (`tick`) until the task is cancelled.
    func run(_ tick: @Sendable () -> Void) async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let due = instant(nextDeadline.load(ordering: .sequentiallyConsistent))
            let pause = min(max(due - now, .zero), idleLimit)
            if pause <= interval {
                try? await Task.sleep(for: interval)
            } else {
                await withTaskCancellationHandler {
                    await sleep(until: nanoseconds(now + pause))
                } onCancel: {
                    wake(ifSleepingPast: .min)
                }
                // Woken early by an earlier deadline: sleep again until that one.
                if ContinuousClock.now < instant(nextDeadline.load(ordering: .sequentiallyConsistent)) - interval,
                    ContinuousClock.now < now + pause
                {
                    continue
                }
            }
            tick()
        }
    }

    /// True while the ticker sleeps past the next interval (waiting for a deadline or its
    /// idle limit).
    var isSleepingLong: Bool { sleepingLong.load(ordering: .sequentiallyConsistent) }

    /// The core, on a tick: the earliest deadline left in its timer queue, nil for none, or
    /// `now` to keep ticking every interval (a queue too full to look through cheaply).
    func plan(next deadline: ContinuousClock.Instant?, now: ContinuousClock.Instant) {
        nextDeadline.store(nanoseconds(deadline ?? now + idleLimit), ordering: .sequentiallyConsistent)
    }

    /// The core, for each timer it schedules: wakes the ticker when it sleeps past `deadline`.
    func noteDeadline(_ deadline: ContinuousClock.Instant) {
        let due = nanoseconds(deadline)
        var current = nextDeadline.load(ordering: .sequentiallyConsistent)
        while due < current {
            let (exchanged, original) = nextDeadline.compareExchange(
                expected: current, desired: due, ordering: .sequentiallyConsistent)
            if exchanged { break }
            current = original
        }
        // Set before the sleeper reads the deadline again (see `sleep(until:)`), so one of
        // the two sides sees the other's write.
        if sleepingLong.load(ordering: .sequentiallyConsistent) {
            wake(ifSleepingPast: due)
        }
    }

    private func sleep(until wakeAt: Int64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation = sleeper.withLock { sleeper in
                sleeper.generation &+= 1
                sleeper.continuation = continuation
                sleeper.wakeAt = wakeAt
                return sleeper.generation
            }
            sleepingLong.store(true, ordering: .sequentiallyConsistent)
            // A deadline noted, or a cancellation, between reading it and getting here.
            if Task.isCancelled || nextDeadline.load(ordering: .sequentiallyConsistent) < wakeAt {
                wake(ifSleepingPast: .min)
                return
            }
            let delay = max(0, nanoseconds(of: instant(wakeAt) - ContinuousClock.now))
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(delay))) { [self] in
                let expired = sleeper.withLock { sleeper -> CheckedContinuation<Void, Never>? in
                    guard sleeper.generation == generation else { return nil }
                    defer { sleeper.continuation = nil }
                    return sleeper.continuation
                }
                expired?.resume()
            }
        }
        sleepingLong.store(false, ordering: .sequentiallyConsistent)
    }

    /// Resumes the sleeper when it means to sleep past `due` (less than a tick past it is
    /// close enough).
    private func wake(ifSleepingPast due: Int64) {
        let slack = due == .min ? 0 : nanoseconds(of: interval)
        let woken = sleeper.withLock { sleeper -> CheckedContinuation<Void, Never>? in
            guard let continuation = sleeper.continuation, sleeper.wakeAt > due &+ slack else { return nil }
            sleeper.continuation = nil
            return continuation
        }
        woken?.resume()
    }

    private func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 { nanoseconds(of: instant - origin) }

    private func nanoseconds(of duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    private func instant(_ nanoseconds: Int64) -> ContinuousClock.Instant { origin + .nanoseconds(nanoseconds) }
}
