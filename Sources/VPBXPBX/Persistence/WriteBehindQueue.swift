import Logging
import Synchronization
import VPBXStore

/// Serialises every write the core makes (registrations, CDRs) in order, off the SIP path.
///
/// The core enqueues and moves on. One consumer task waits a few milliseconds (``defaultLinger``)
/// for a burst to gather, takes everything queued so far, up to ``maximumBatch``, and hands it
/// to the ``StoreWriter`` as one batch (one SQLite transaction): the busier the engine, the
/// bigger the batches and the cheaper each write (group commit). A call's begin is held back
/// for ``defaultHoldBack`` so a short call's row is written once (``HeldCDRBegins``). The
/// writes of one call keep their order within and across batches, so a CDR's finish can never
/// overtake its begin; a held begin may land after writes of other calls and registrations
/// queued later, which touch other rows. `drain()` waits for everything
/// queued so far, which is what a clean shutdown calls before exiting: an accepted CDR is never
/// dropped.
final class WriteBehindQueue: Sendable {
    /// Bounds one transaction, so one batch never holds the SQLite write lock for long.
    static let maximumBatch = 512

    /// How long the consumer waits for more writes to join a batch that is not full. A call's
    /// steps arrive milliseconds apart, so without it an engine at a few hundred calls a second
    /// commits (and wakes two threads) for almost every write; with it, a write lands at most
    /// this much later (plus the commit). Measured at 1,000 calls/s (docs/performance.md, stop 9):
    /// 5 ms saved about a tenth of the engine's CPU per call, 20 ms another 7 %, 50 ms only 3 %
    /// more; 20 ms keeps what a hard crash can lose (writes not yet committed) small.
    static let defaultLinger: Duration = .milliseconds(20)

    /// How long a call's begin is held back so that, if the call ends by then, its row is
    /// written once (``HeldCDRBegins``). Measured at 1,000 calls/s of answered and at once
    /// hung-up calls (docs/performance.md, stop 19).
    static let defaultHoldBack: Duration = .milliseconds(100)

    /// The longest pause between two attempts at a write the store keeps refusing for an I/O
    /// reason (a full disk, a database locked by another program).
    static let maximumRetryPause: Duration = .seconds(5)

    /// How long a shutdown keeps retrying writes the store refuses before it gives up on them.
    static let defaultShutdownGrace: Duration = .seconds(10)

    private let inbox = BatchInbox<Entry>()
    private let health = WriteHealth()

    init(
        writer: any StoreWriter, logger: Logger, linger: Duration = WriteBehindQueue.defaultLinger,
        holdBack: Duration = WriteBehindQueue.defaultHoldBack
    ) {
        let inbox = self.inbox
        let retry = health
        Task {
            var held = HeldCDRBegins()
            while let batch = await Self.next(from: inbox, limit: Self.maximumBatch, linger: linger, holding: !held.isEmpty) {
                var ready: [StoreWrite] = []
                ready.reserveCapacity(batch.writes.count)
                let now = ContinuousClock.now
                if holdBack > .zero {
                    for write in batch.writes { held.route(write, now: now, into: &ready) }
                } else {
                    ready = batch.writes
                }
                // A drain waits for everything queued before it, held begins included.
                if batch.barriers.isEmpty {
                    held.release(heldSince: now - holdBack, into: &ready)
                } else {
                    held.releaseAll(into: &ready)
                }
                await Self.apply(inChunksOf: Self.maximumBatch, ready, with: writer, logger: logger, retry: retry)
                for barrier in batch.barriers { barrier.resume() }
            }
            var rest: [StoreWrite] = []
            held.releaseAll(into: &rest)
            await Self.apply(inChunksOf: Self.maximumBatch, rest, with: writer, logger: logger, retry: retry)
        }
    }

    deinit {
        inbox.finish()
    }

    func enqueue(_ write: StoreWrite) {
        health.pending.add(1, ordering: .relaxed)
        inbox.push(.write(write))
    }

    /// Enqueues writes that belong together (a rejected call's begin and finish).
    func enqueue(_ writes: [StoreWrite]) {
        health.pending.add(writes.count, ordering: .relaxed)
        for write in writes { inbox.push(.write(write)) }
    }

    /// Returns once every write enqueued before the call has been applied.
    func drain() async {
        await withCheckedContinuation { done in inbox.push(.barrier(done)) }
    }

    /// ``drain()`` for at most `limit`: true once everything enqueued before the call has
    /// been applied, false at the limit (the store still refusing it; nothing is given up).
    func drain(within limit: Duration) async -> Bool {
        await withCheckedContinuation { (settled: CheckedContinuation<Bool, Never>) in
            // Whichever comes first answers; a barrier's wait cannot be cancelled, so the later
            // one is ignored. The flag lives on the heap: both tasks outlive this frame.
            let first = FirstAnswer()
            Task {
                await self.drain()
                if first.claim() { settled.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if first.claim() { settled.resume(returning: false) }
            }
        }
    }

    /// True for the first caller of ``claim()`` only.
    private final class FirstAnswer: Sendable {
        private let claimed = Mutex(false)

        func claim() -> Bool {
            claimed.withLock { done in
                defer { done = true }
                return !done
            }
        }
    }

    /// ``drain()`` for a shutdown: writes the store still refuses after `grace` are given up
    /// (each logged whole at error level, so it can be recovered from the log) rather than
    /// keeping the process from exiting.
    func drain(givingUpAfter grace: Duration) async {
        health.giveUpAt.withLock { $0 = ContinuousClock.now + grace }
        await drain()
    }

    /// Writes not yet in the store (one atomic load: read for every new call).
    var pendingCount: Int { health.pending.load(ordering: .relaxed) }

    /// Writes not yet in the store, and for how long the store has been refusing them (nil
    /// while it accepts them), for status.
    var state: (pending: Int, failingFor: Duration?) {
        let since = health.outage.withLock { $0?.since }
        return (health.pending.load(ordering: .relaxed), since.map { ContinuousClock.now - $0 })
    }

    /// What the consumer's retries share with the queue.
    final class WriteHealth: Sendable {
        /// Set by a shutdown's drain: writes still refused after this instant are given up
        /// (each logged whole at error level) so that the engine can exit. Until then an I/O
        /// failure is retried for as long as it lasts: an accepted CDR waits in memory.
        let giveUpAt = Mutex<ContinuousClock.Instant?>(nil)
        /// While the store refuses writes for an I/O reason: since when, and when that was
        /// last logged. nil while it accepts them.
        let outage = Mutex<(since: ContinuousClock.Instant, warnedAt: ContinuousClock.Instant)?>(nil)
        /// Writes enqueued and not yet applied or given up.
        let pending = Atomic<Int>(0)

        /// How often a lasting outage is logged again.
        static let warningInterval: Duration = .seconds(60)

        var givingUp: Bool { giveUpAt.withLock { $0.map { ContinuousClock.now >= $0 } ?? false } }

        /// Records a refused write; true when it should be logged: the first of an outage, then
        /// one a minute, so a long outage stays visible without a line per attempt.
        func failed(at now: ContinuousClock.Instant) -> Bool {
            outage.withLock { outage in
                guard let current = outage else {
                    outage = (now, now)
                    return true
                }
                guard now - current.warnedAt >= Self.warningInterval else { return false }
                outage = (current.since, now)
                return true
            }
        }

        /// Records a write that landed; how long the outage it ended lasted, if there was one.
        func succeeded(at now: ContinuousClock.Instant) -> Duration? {
            outage.withLock { outage in
                defer { outage = nil }
                return outage.map { now - $0.since }
            }
        }
    }

    /// `writes` in batches of at most `limit` (released held begins can make a round larger
    /// than one batch may be).
    static func apply(
        inChunksOf limit: Int, _ writes: [StoreWrite], with writer: any StoreWriter, logger: Logger,
        retry: WriteHealth = WriteHealth()
    ) async {
        var start = 0
        while start < writes.count {
            let end = min(start + limit, writes.count)
            await apply(
                start == 0 && end == writes.count ? writes : Array(writes[start..<end]), with: writer, logger: logger,
                retry: retry)
            start = end
        }
    }

    /// The whole batch in one transaction; if that fails, one write at a time from the first
    /// one not applied, so one bad write cannot take the others down with it.
    ///
    /// A write refused for an I/O reason (a full disk, SQLITE_BUSY, a database another program
    /// holds) is retried until it lands, pausing up to ``maximumRetryPause`` between attempts:
    /// the writes behind it wait in memory, in order, and nothing accepted is lost while the
    /// administrator frees the disk. Only a shutdown's deadline gives up on it. A write that
    /// cannot heal (a finish for a row that does not exist) is given up at once. Either way
    /// it is logged whole at error level: losing data is never silent.
    static func apply(
        _ writes: [StoreWrite], with writer: any StoreWriter, logger: Logger, retry: WriteHealth = WriteHealth()
    ) async {
        guard !writes.isEmpty else { return }
        defer { retry.pending.subtract(writes.count, ordering: .relaxed) }
        let applied: Int
        do {
            try await writer.apply(writes)
            recovered(retry, logger: logger)
            return
        } catch let failure as StoreWriteFailure {
            applied = failure.applied
        } catch {
            applied = 0
        }
        for write in writes[applied...] {
            var attempt = 0
            while true {
                do {
                    try await writer.apply([write])
                    if attempt > 0 { recovered(retry, logger: logger) }
                    break
                } catch {
                    attempt += 1
                    let underlying = (error as? StoreWriteFailure)?.underlying ?? StoreError(.io, "\(error)")
                    let reason = underlying.description
                    if underlying.kind != .io {
                        logger.error(
                            "store write refused, giving up", metadata: ["write": "\(write)", "error": "\(reason)"])
                        break
                    }
                    if retry.givingUp {
                        logger.error(
                            "store write still failing at shutdown, giving up; the write follows",
                            metadata: ["write": "\(write)", "error": "\(reason)"])
                        break
                    }
                    if retry.failed(at: .now) {
                        logger.warning(
                            "store write failed; retrying until it succeeds (writes wait in memory)",
                            metadata: [
                                "attempt": "\(attempt)", "waiting": "\(retry.pending.load(ordering: .relaxed))",
                                "error": "\(reason)",
                            ])
                    }
                    try? await Task.sleep(for: min(.milliseconds(100 * attempt), maximumRetryPause))
                }
            }
        }
    }

    private static func recovered(_ retry: WriteHealth, logger: Logger) {
        guard let outage = retry.succeeded(at: .now) else { return }
        logger.notice("store writes succeed again", metadata: ["failedFor": "\(outage)"])
    }
}

extension WriteBehindQueue {
    enum Entry: Sendable {
        case write(StoreWrite)
        case barrier(CheckedContinuation<Void, Never>)
    }

    struct Batch {
        var writes: [StoreWrite] = []
        /// Waiters for the writes queued before them, all inside this batch.
        var barriers: [CheckedContinuation<Void, Never>] = []
    }

    /// The next entries in order (at most `limit` writes), or nil once finished and empty. A
    /// batch that is not full waits `linger` first, so the rest of a burst can join it.
    ///
    /// While begins are `holding`, it does not sleep on an empty inbox: held begins must be
    /// released on time even when nothing else arrives, so it returns after the linger with
    /// whatever came (possibly nothing).
    static func next(from inbox: BatchInbox<Entry>, limit: Int, linger: Duration, holding: Bool = false) async -> Batch? {
        if holding {
            try? await Task.sleep(for: max(linger, .milliseconds(5)))
            if inbox.isFinishedAndEmpty { return nil }
        } else {
            guard await inbox.wait() else { return nil }
            if linger > .zero, inbox.count < limit { try? await Task.sleep(for: linger) }
        }
        var batch = Batch()
        for entry in inbox.take(limit: limit) {
            switch entry {
            case .write(let write): batch.writes.append(write)
            case .barrier(let waiter): batch.barriers.append(waiter)
            }
        }
        return batch
    }
}
