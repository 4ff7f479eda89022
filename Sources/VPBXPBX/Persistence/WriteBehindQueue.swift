import Logging
import Synchronization
import VPBXStore

/// Serialises every write the core makes (registrations, CDRs) in order, off the SIP path.
///
/// The core enqueues and moves on. One consumer task waits a few milliseconds (``defaultLinger``)
/// for a burst to gather, takes everything queued so far, up to ``maximumBatch``, and hands it
/// to the ``StoreWriter`` as one batch (one SQLite transaction): the busier the engine, the
/// bigger the batches and the cheaper each write (group commit). Order holds within and across
/// batches, so a CDR's finish can never overtake its begin. `drain()` waits for everything
/// queued so far, which is what a clean shutdown calls before exiting: an accepted CDR is never
/// dropped.
final class WriteBehindQueue: Sendable {
    /// Bounds one transaction, so one batch never holds the SQLite write lock for long.
    static let maximumBatch = 512

    /// How long the consumer waits for more writes to join a batch that is not full. A call's
    /// steps arrive milliseconds apart, so without it an engine at a few hundred calls a second
    /// commits (and wakes two threads) for almost every write; with it, a write lands at most
    /// this much later (plus the commit). Measured at 1,000 calls/s (docs/architecture.md):
    /// 5 ms saved about a tenth of the engine's CPU per call, 20 ms another 7 %, 50 ms only 3 %
    /// more; 20 ms keeps what a hard crash can lose (writes not yet committed) small.
    static let defaultLinger: Duration = .milliseconds(20)

    private let buffer = Buffer()

    init(writer: any StoreWriter, logger: Logger, linger: Duration = WriteBehindQueue.defaultLinger) {
        let buffer = self.buffer
        Task {
            while let batch = await buffer.next(limit: Self.maximumBatch, linger: linger) {
                await Self.apply(batch.writes, with: writer, logger: logger)
                for barrier in batch.barriers { barrier.resume() }
            }
        }
    }

    deinit {
        buffer.finish()
    }

    func enqueue(_ write: StoreWrite) {
        buffer.push(.write(write))
    }

    /// Enqueues writes that belong together (a rejected call's begin and finish).
    func enqueue(_ writes: [StoreWrite]) {
        for write in writes { buffer.push(.write(write)) }
    }

    /// Returns once every write enqueued before the call has been applied.
    func drain() async {
        await withCheckedContinuation { done in buffer.push(.barrier(done)) }
    }

    /// The whole batch in one transaction; if that fails, one write at a time from the first
    /// one not applied, so one bad write cannot take the others down with it. An I/O failure
    /// (SQLITE_BUSY, a full disk being cleared) is retried a few times; one that cannot heal
    /// (a finish for a row that does not exist) is not. A write given up on is logged as an
    /// error: losing data is never silent.
    static func apply(_ writes: [StoreWrite], with writer: any StoreWriter, logger: Logger) async {
        guard !writes.isEmpty else { return }
        let applied: Int
        do {
            try await writer.apply(writes)
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
                    break
                } catch {
                    attempt += 1
                    let underlying = (error as? StoreWriteFailure)?.underlying ?? StoreError(.io, "\(error)")
                    let reason = underlying.description
                    if attempt >= 5 || underlying.kind != .io {
                        logger.error(
                            "store write failed, giving up", metadata: ["write": "\(write)", "error": "\(reason)"])
                        break
                    }
                    logger.warning(
                        "store write failed, retrying", metadata: ["write": "\(write)", "error": "\(reason)"])
                    try? await Task.sleep(for: .milliseconds(100 * attempt))
                }
            }
        }
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

    /// The queue between the core (many producers, never blocked for long) and the consumer.
    /// A lock instead of an `AsyncStream` so the consumer can take everything queued at once;
    /// the consumer is only woken when it sleeps on an empty queue.
    final class Buffer: Sendable {
        private struct State {
            var pending: [Entry] = []
            var sleeper: CheckedContinuation<Void, Never>?
            var finished = false
        }

        private let state = Mutex(State())

        func push(_ entry: Entry) {
            let sleeper = state.withLock { state in
                state.pending.append(entry)
                defer { state.sleeper = nil }
                return state.sleeper
            }
            sleeper?.resume()
        }

        /// Ends the consumer once the queue is empty.
        func finish() {
            let sleeper = state.withLock { state in
                state.finished = true
                defer { state.sleeper = nil }
                return state.sleeper
            }
            sleeper?.resume()
        }

        /// The next entries in order (at most `limit` writes), or nil once finished and empty.
        func next(limit: Int, linger: Duration) async -> Batch? {
            var lingered = false
            while true {
                let waiting = state.withLock { $0.pending.count }
                if waiting > 0, waiting < limit, !lingered, linger > .zero {
                    // Let the rest of the burst catch up so it shares one commit.
                    lingered = true
                    try? await Task.sleep(for: linger)
                    continue
                }
                let taken: [Entry]? = state.withLock { state in
                    guard !state.pending.isEmpty else { return nil }
                    guard state.pending.count > limit else {
                        defer { state.pending = [] }
                        return state.pending
                    }
                    defer { state.pending.removeFirst(limit) }
                    return Array(state.pending.prefix(limit))
                }
                if let taken {
                    var batch = Batch()
                    for entry in taken {
                        switch entry {
                        case .write(let write): batch.writes.append(write)
                        case .barrier(let waiter): batch.barriers.append(waiter)
                        }
                    }
                    return batch
                }
                let finished = state.withLock { $0.finished }
                if finished { return nil }
                await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        guard state.pending.isEmpty, !state.finished else { return true }
                        state.sleeper = wake
                        return false
                    }
                    if ready { wake.resume() }
                }
            }
        }
    }
}
