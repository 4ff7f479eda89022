import Synchronization

/// Fans engine events out to subscribers with a global, gap-free `seq`.
///
/// Publishing never waits for a subscriber: each has a bounded buffer, and one that lets
/// it fill is dropped with a final `events.overflow` event (it must resync with a fresh
/// snapshot). Buffered events are discarded at that point because a client that must
/// resync has no use for them, and the overflow marker then arrives without delay.
public actor EventHub {
    /// Produces the snapshot for a subscription; receives the requested topics (nil: all).
    public typealias SnapshotProvider = @Sendable (_ topics: Set<String>?) async throws -> JSONValue

    public nonisolated let bufferLimit: Int
    /// Seq of the last published event; 0 before the first.
    public private(set) var lastSeq: UInt64 = 0
    private var snapshotProvider: SnapshotProvider?
    private var subscribers: [UInt64: Subscriber] = [:]
    private nonisolated let liveSubscribers = Atomic<Int>(0)
    private var nextID: UInt64 = 1

    /// A class so its queue is appended to in place: as a struct in the dictionary, each
    /// event delivered to a subscriber with events pending copied the whole queue (taken out,
    /// appended to while the dictionary still held it, put back), and a wallboard following
    /// 1,000 calls a second fell 1,000 events behind within two seconds.
    private final class Subscriber {
        var topics: Set<String>?
        var queue: [RPCEvent] = []
        var head = 0
        var waiter: CheckedContinuation<RPCEvent?, Never>?
        /// Set after an overflow: no more events are queued, the stream ends once drained.
        var closing = false

        init(topics: Set<String>?) {
            self.topics = topics
        }

        var pending: Int { queue.count - head }

        func pop() -> RPCEvent? {
            guard head < queue.count else { return nil }
            let event = queue[head]
            head += 1
            if head >= 256, head * 2 >= queue.count {  // compact now and then, O(1) amortised
                queue.removeFirst(head)
                head = 0
            }
            return event
        }
    }

    public init(bufferLimit: Int = 1000) {
        precondition(bufferLimit > 0, "bufferLimit must be positive")
        self.bufferLimit = bufferLimit
    }

    /// Whether anyone is subscribed, readable from any thread: a publisher may skip building
    /// an event nobody receives. Dropping one is safe as long as it happened before the
    /// snapshot of the next subscriber is taken (it is then part of that snapshot), which
    /// holds when the snapshot reads the publisher's state after `subscribe` counted itself.
    public nonisolated var hasSubscribers: Bool { liveSubscribers.load(ordering: .relaxed) > 0 }

    /// Installs the closure that builds snapshots for `events.subscribe`.
    public func setSnapshotProvider(_ provider: @escaping SnapshotProvider) {
        snapshotProvider = provider
    }

    /// Number of live subscriptions (for status and tests).
    public var subscriberCount: Int { subscribers.count }

    /// Publishes one event and returns its seq.
    @discardableResult
    public func publish(topic: String, type: String, data: JSONValue) -> UInt64 {
        lastSeq += 1
        let event = RPCEvent(seq: lastSeq, topic: topic, type: type, data: data)
        for (id, subscriber) in subscribers where !subscriber.closing {
            if let topics = subscriber.topics, !topics.contains(topic) { continue }
            deliver(event, to: id)
        }
        return lastSeq
    }

    /// Publishes an event whose data is any `Encodable` DTO.
    @discardableResult
    public func publish<T: Encodable & Sendable>(topic: String, type: String, payload: T) throws -> UInt64 {
        publish(topic: topic, type: type, data: try RPCCoding.jsonValue(payload))
    }

    /// Subscribes to `topics` (nil or empty: all). Events published while the snapshot is
    /// being built are queued, so nothing after `seq` is missed.
    public func subscribe(topics: [String]? = nil) async throws -> EventSubscription {
        let topicSet = topics.flatMap { $0.isEmpty ? nil : Set($0) }
        let id = nextID
        nextID += 1
        let seq = lastSeq
        subscribers[id] = Subscriber(topics: topicSet)
        countSubscribers()
        let snapshot: JSONValue
        do {
            snapshot = try await snapshotProvider?(topicSet) ?? .object([:])
        } catch {
            unsubscribe(id)
            throw error
        }
        let events = AsyncStream<RPCEvent>(unfolding: { [weak self] in await self?.next(id) })
        return EventSubscription(id: id, seq: seq, snapshot: snapshot, events: events)
    }

    /// Ends a subscription; its stream finishes after nothing more.
    public func unsubscribe(_ id: UInt64) {
        guard let subscriber = subscribers.removeValue(forKey: id) else { return }
        countSubscribers()
        subscriber.waiter?.resume(returning: nil)
    }

    private func deliver(_ event: RPCEvent, to id: UInt64) {
        guard let subscriber = subscribers[id] else { return }
        if let waiter = subscriber.waiter {
            subscriber.waiter = nil
            waiter.resume(returning: event)
            return
        }
        if subscriber.pending >= bufferLimit {
            subscriber.queue = [
                RPCEvent(
                    seq: event.seq, topic: EventTopic.events, type: RPCEvent.overflowType,
                    data: ["reason": "subscriber too slow", "bufferLimit": .int(Int64(bufferLimit))])
            ]
            subscriber.head = 0
            subscriber.closing = true
        } else {
            subscriber.queue.append(event)
        }
    }

    /// Called wherever a subscriber is added or removed, for ``hasSubscribers``.
    private func countSubscribers() {
        liveSubscribers.store(subscribers.count, ordering: .relaxed)
    }

    /// The next event for subscriber `id`, waiting if none is queued; nil when the
    /// subscription is over. Cancelling the waiting task ends the subscription.
    private func next(_ id: UInt64) async -> RPCEvent? {
        guard let subscriber = subscribers[id] else { return nil }
        if let event = subscriber.pop() { return event }
        if subscriber.closing {
            subscribers[id] = nil
            countSubscribers()
            return nil
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled || subscribers[id] == nil {
                    continuation.resume(returning: nil)
                    unsubscribe(id)
                    return
                }
                subscriber.waiter = continuation
            }
        } onCancel: {
            Task { await self.unsubscribe(id) }
        }
    }
}
