import Synchronization

/// The core's input queue: many producers (the transport's event loops, the tick, media
/// callbacks), one consumer (the core actor), which takes everything queued at once.
///
/// Instead of an `AsyncStream`: the consumer handles a whole burst per wake-up with one lock
/// round instead of one per input, and a concrete queue costs no generic metadata lookups on
/// every element. Producers never block for longer than an append; the consumer is resumed
/// only when it sleeps on an empty queue.
final class CoreInbox<Element: Sendable>: Sendable {
    private struct State {
        var pending: [Element] = []
        var sleeper: UnsafeContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Queues `element`; dropped once the inbox is finished (the core is shutting down).
    func push(_ element: Element) {
        let sleeper = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            state.pending.append(element)
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

    /// Everything queued so far, in order, waiting while there is nothing; nil once finished
    /// and empty. One consumer at a time.
    func next() async -> [Element]? {
        while true {
            let taken: [Element]? = state.withLock { state in
                guard !state.pending.isEmpty else { return nil }
                defer { state.pending = [] }
                return state.pending
            }
            if let taken { return taken }
            if state.withLock({ $0.finished }) { return nil }
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
}
