import NIOCore

/// A 20 ms frame clock on an event loop, for streams the relay generates itself (music on
/// hold, a supervisor's mix).
///
/// Frames fall due on a fixed grid measured from ``begin()``, not 20 ms after the previous
/// wake-up, so timer lateness never slows a stream down; a late wake-up makes up the frames
/// it owes (a few at most) in one go. After a long stall (the loop was blocked) it skips ahead
/// instead of bursting, and says how many frames it skipped so the stream's RTP clock can
/// still advance as a real-time source would.
final class RelayFramePacer {
    static let frameInterval = TimeAmount.milliseconds(20)
    /// More than this many frames behind: skip ahead instead of making them all up.
    static let maxCatchUpFrames: Int64 = 5

    private let eventLoop: any EventLoop
    /// Called with the number of steps due now (at least 1); returns false when its owner is
    /// gone, which stops the pacer (a stream must never outlive what feeds it).
    private let produce: (Int) -> Bool
    /// Called with the number of steps skipped after a stall.
    private let skip: (Int64) -> Void
    private var start: NIODeadline = .now()
    private var produced: Int64 = 0
    private var scheduled: Scheduled<Void>?
    /// A wake-up the loop had already taken off its timer queue when ``stop()`` cancelled it
    /// still runs; this makes it do nothing.
    private var stopped = false
    /// The grid's step: one frame, or several for a consumer that needs no 20 ms latency (a
    /// recording takes five frames every 100 ms: a fifth of the wake-ups).
    private let interval: TimeAmount

    init(
        eventLoop: any EventLoop, interval: TimeAmount = RelayFramePacer.frameInterval, produce: @escaping (Int) -> Bool,
        skip: @escaping (Int64) -> Void
    ) {
        self.eventLoop = eventLoop
        self.interval = interval
        self.produce = produce
        self.skip = skip
    }

    /// Produces the first frame now and keeps the grid going until ``stop()``.
    func begin() {
        self.stopped = false
        self.start = .now()
        self.produced = 0
        self.wake()
    }

    func stop() {
        self.stopped = true
        self.scheduled?.cancel()
        self.scheduled = nil
    }

    private func wake() {
        guard !self.stopped else { return }
        let elapsed = NIODeadline.now() - self.start
        var due = elapsed.nanoseconds / self.interval.nanoseconds + 1 - self.produced
        if due > Self.maxCatchUpFrames {
            let skipped = due - 1
            self.produced += skipped
            self.skip(skipped)
            due = 1
        }
        if due > 0 {
            self.produced += due
            guard self.produce(Int(due)) else {
                self.scheduled = nil
                return
            }
        }
        let next = self.start + .nanoseconds(self.interval.nanoseconds * self.produced)
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(deadline: next) { self.wake() }
    }
}
