import Synchronization

/// A queue with many producers and one consumer that takes whatever has piled up at once: the
/// core's inputs (from the transport's event loops, the tick, media callbacks) and the
/// write-behind queue's store writes.
///
/// Instead of an `AsyncStream`: the consumer handles a whole burst per wake-up with one lock
/// round instead of one per element, and a concrete queue costs no generic metadata lookups on
/// every element. Producers never block for longer than an append; the consumer is resumed
/// only when it sleeps on an empty queue.
final class BatchInbox<Element: Sendable>: Sendable {
    private struct State {
        var pending: [Element] = []
        /// An emptied batch array given back by the consumer (``recycle(_:)``): the next batch
        /// is queued into its storage instead of growing a new array from nothing, which cost
        /// about one allocation per message under load (the array doubling as a burst arrived).
        var spare: [Element] = []
        /// When the oldest element still pending was queued: how far behind the consumer is.
        var pendingSince: ContinuousClock.Instant?
        var sleeper: UnsafeContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Queues `element`; dropped once the inbox is finished.
    ///
    /// The element is moved in, not copied: a SIP message copied costs a reference count per
    /// string and array in it, and every message the core handles passes through here.
    func push(_ element: consuming Element) {
        var element = Optional(element)
        let sleeper = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            // One clock read per batch, not per element: only the first of a burst is timed.
            if state.pending.isEmpty { state.pendingSince = .now }
            state.pending.append(element.take()!)
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume()
    }

    /// Ends the consumer once what is queued has been taken; later pushes are dropped.
    func finish() {
        let sleeper = state.withLock { state in
            state.finished = true
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume()
    }

    /// How many elements wait.
    var count: Int { state.withLock { $0.pending.count } }

    /// Finished, with nothing left to take.
    var isFinishedAndEmpty: Bool { state.withLock { $0.finished && $0.pending.isEmpty } }

    /// Returns true once something is queued, false once the inbox is finished and empty.
    /// One consumer at a time.
    func wait() async -> Bool {
        while true {
            let (empty, finished) = state.withLock { ($0.pending.isEmpty, $0.finished) }
            if !empty { return true }
            if finished { return false }
            await withUnsafeContinuation { (wake: UnsafeContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    guard state.pending.isEmpty, !state.finished else { return true }
                    state.sleeper = wake
                    return false
                }
                if ready { wake.resume() }
            }
        }
    }

    /// The oldest `limit` elements queued (all of them by default), in order, without waiting.
    func take(limit: Int = .max) -> [Element] {
        takeTimed(limit: limit).elements
    }

    /// As ``take(limit:)``, with the moment the oldest of them was queued (nil when none was).
    /// Elements left behind keep the mark of the oldest: an overestimate of their wait, which
    /// never hides a backlog.
    func takeTimed(limit: Int = .max) -> (elements: [Element], queuedSince: ContinuousClock.Instant?) {
        state.withLock { state in
            let since = state.pendingSince
            guard state.pending.count > limit else {
                var taken = state.spare
                swap(&taken, &state.pending)
                state.spare = []
                state.pendingSince = nil
                return (taken, since)
            }
            defer { state.pending.removeFirst(limit) }
            return (Array(state.pending.prefix(limit)), since)
        }
    }

    /// Gives back a batch the consumer has handled, so its storage can hold a later batch.
    /// Its elements are released here, on the consumer's thread, outside the lock.
    func recycle(_ batch: consuming [Element]) {
        var storage = batch
        storage.removeAll(keepingCapacity: true)
        // Not beyond a burst's worth: one huge backlog should not pin its array for good.
        guard storage.capacity <= Self.recycledCapacityLimit else { return }
        let previous = state.withLock { state -> [Element] in
            // Straight into the queue while nothing arrived since the take, else kept for the
            // take after.
            if state.pending.isEmpty, state.pending.capacity < storage.capacity {
                swap(&state.pending, &storage)
            } else if state.spare.capacity < storage.capacity {
                swap(&state.spare, &storage)
            }
            return storage
        }
        _ = consume previous
    }

    static var recycledCapacityLimit: Int { 4096 }

    /// Everything queued so far, waiting while there is nothing; nil once finished and empty.
    func next() async -> [Element]? {
        await nextTimed()?.elements
    }

    /// As ``next()``, with how long the oldest element of the batch waited in the queue.
    func nextTimed() async -> (elements: [Element], waited: Duration)? {
        guard await wait() else { return nil }
        let (elements, since) = takeTimed()
        return (elements, since.map { .now - $0 } ?? .zero)
    }
}
