import DequeModule
import Foundation
import Logging
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
    /// Subscribers dropped since the start for falling ``bufferLimit`` events behind (each
    /// got `events.overflow`): a wallboard that froze and had to subscribe again.
    public private(set) var subscribersDropped = 0
    private nonisolated let logger: Logger?
    private var snapshotProvider: SnapshotProvider?
    private var subscribers: [UInt64: Subscriber] = [:]
    private nonisolated let liveSubscribers = Atomic<Int>(0)
    private var nextID: UInt64 = 1

    /// One published event with its notification line, encoded once for every subscriber
    /// (the array is shared, not copied, between their queues).
    private struct Queued {
        enum Data {
            case value(JSONValue)
            /// Written as JSON by the publisher (``EncodedEvent``).
            case json([UInt8])
        }

        let seq: UInt64
        let topic: String
        let type: String
        let data: Data
        /// Nil when the event cannot be written as JSON (a NaN in its data): connections skip
        /// it, and the gap in `seq` shows it.
        let line: [UInt8]?

        init(seq: UInt64, topic: String, type: String, data: Data) {
            self.seq = seq
            self.topic = topic
            self.type = type
            self.data = data
            line = try? RPCEventLine.line(seq: seq, topic: topic, type: type) { bytes in
                switch data {
                case .value(let value): try value.writeJSON(to: &bytes)
                case .json(let json): bytes.append(contentsOf: json)
                }
            }
        }

        /// The event as a value, for the in-process stream (``EventSubscription/events``).
        var event: RPCEvent {
            let value: JSONValue
            switch data {
            case .value(let tree): value = tree
            case .json(let json): value = (try? RPCCoding.makeDecoder().decode(JSONValue.self, from: Foundation.Data(json))) ?? .null
            }
            return RPCEvent(seq: seq, topic: topic, type: type, data: value)
        }
    }

    /// A class so its queue is appended to in place: as a struct in the dictionary, each
    /// event delivered to a subscriber with events pending copied the whole queue (taken out,
    /// appended to while the dictionary still held it, put back), and a wallboard following
    /// 1,000 calls a second fell 1,000 events behind within two seconds.
    private final class Subscriber {
        let id: UInt64
        var topics: Set<String>?
        /// Who subscribed (the control connection's peer), for the log line that says it was
        /// dropped: an administrator then knows which console or wallboard to look at.
        let client: String?
        var queue = Deque<Queued>()
        /// The reader waiting for the queue to fill: resumed by the next event or the end.
        var waiter: CheckedContinuation<Void, Never>?
        /// Set after an overflow: no more events are queued, the stream ends once drained.
        var closing = false

        init(id: UInt64, topics: Set<String>?, client: String?) {
            self.id = id
            self.topics = topics
            self.client = client
        }

        var pending: Int { queue.count }

        func pop() -> Queued? {
            queue.popFirst()
        }

        /// The lines of the queued events, up to about `limit` bytes (at least one event).
        func popLines(limit: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            while let next = queue.first, bytes.isEmpty || bytes.count + (next.line?.count ?? 0) <= limit {
                if let line = next.line { bytes.append(contentsOf: line) }
                queue.removeFirst()
            }
            return bytes
        }
    }

    /// How long a connection waits for more events before writing what it has.
    static let linger = Duration.milliseconds(10)

    /// - Parameter logger: where a subscriber dropped for falling behind is reported.
    public init(bufferLimit: Int = 1000, logger: Logger? = nil) {
        precondition(bufferLimit > 0, "bufferLimit must be positive")
        self.bufferLimit = bufferLimit
        self.logger = logger
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
        publish(topic: topic, type: type, queuedData: .value(data))
    }

    /// Publishes events in order, in one call (one hop to the hub for all of them); returns
    /// the last one's seq.
    @discardableResult
    public func publish(_ events: [(topic: String, type: String, data: JSONValue)]) -> UInt64 {
        for event in events { publish(topic: event.topic, type: event.type, data: event.data) }
        return lastSeq
    }

    /// Publishes events written as JSON already, in order, in one call; returns the last
    /// one's seq.
    @discardableResult
    public func publish(_ events: [EncodedEvent]) -> UInt64 {
        for event in events { publish(topic: event.topic, type: event.type, queuedData: .json(event.data)) }
        return lastSeq
    }

    @discardableResult
    private func publish(topic: String, type: String, queuedData: Queued.Data) -> UInt64 {
        lastSeq += 1
        var queued: Queued?
        for subscriber in subscribers.values where !subscriber.closing {
            if let topics = subscriber.topics, !topics.contains(topic) { continue }
            if queued == nil { queued = Queued(seq: lastSeq, topic: topic, type: type, data: queuedData) }
            deliver(queued!, to: subscriber)
        }
        return lastSeq
    }

    /// Publishes an event whose data is any `Encodable` DTO.
    @discardableResult
    public func publish<T: Encodable & Sendable>(topic: String, type: String, payload: T) throws -> UInt64 {
        publish(topic: topic, type: type, data: try RPCCoding.jsonValue(payload))
    }

    /// Subscribes to `topics` (nil or empty: all). Events published while the snapshot is
    /// being built are queued, so nothing after `seq` is missed. `client` says who
    /// subscribed, in the log line should the subscriber be dropped.
    public func subscribe(topics: [String]? = nil, client: String? = nil) async throws -> EventSubscription {
        let topicSet = topics.flatMap { $0.isEmpty ? nil : Set($0) }
        let id = nextID
        nextID += 1
        let seq = lastSeq
        subscribers[id] = Subscriber(id: id, topics: topicSet, client: client)
        countSubscribers()
        let snapshot: JSONValue
        do {
            snapshot = try await snapshotProvider?(topicSet) ?? .object([:])
        } catch {
            unsubscribe(id)
            throw error
        }
        let events = AsyncStream<RPCEvent>(unfolding: { [weak self] in await self?.next(id)?.event })
        let lines = AsyncStream<[UInt8]>(unfolding: { [weak self] in await self?.nextLines(id) })
        return EventSubscription(id: id, seq: seq, snapshot: snapshot, events: events, lines: lines)
    }

    /// Ends a subscription; its stream finishes after nothing more.
    public func unsubscribe(_ id: UInt64) {
        guard let subscriber = subscribers.removeValue(forKey: id) else { return }
        countSubscribers()
        subscriber.waiter?.resume()
        subscriber.waiter = nil
    }

    private func deliver(_ queued: Queued, to subscriber: Subscriber) {
        if subscriber.pending >= bufferLimit {
            subscriber.queue = [
                Queued(
                    seq: queued.seq, topic: EventTopic.events, type: RPCEvent.overflowType,
                    data: .value(["reason": "subscriber too slow", "bufferLimit": .int(Int64(bufferLimit))]))
            ]
            subscriber.closing = true
            subscribersDropped += 1
            var metadata: Logger.Metadata = ["subscription": "\(subscriber.id)", "unread": "\(bufferLimit)"]
            if let client = subscriber.client { metadata["client"] = "\(client)" }
            logger?.warning("event subscriber dropped for falling behind: it must subscribe again", metadata: metadata)
        } else {
            subscriber.queue.append(queued)
        }
        if let waiter = subscriber.waiter {
            subscriber.waiter = nil
            waiter.resume()
        }
    }

    /// Called wherever a subscriber is added or removed, for ``hasSubscribers``.
    private func countSubscribers() {
        liveSubscribers.store(subscribers.count, ordering: .relaxed)
    }

    /// The next event for subscriber `id`, waiting if none is queued; nil when the
    /// subscription is over. Cancelling the waiting task ends the subscription.
    private func next(_ id: UInt64) async -> Queued? {
        while let subscriber = subscribers[id] {
            if let queued = subscriber.pop() { return queued }
            guard await waitForEvents(id, subscriber) else { break }
        }
        return nil
    }

    /// The lines of every event queued for `id` (up to 64 KB), waiting if none is: a
    /// connection writes them with one system call instead of one per event.
    private func nextLines(_ id: UInt64) async -> [UInt8]? {
        var lingered = false
        while let subscriber = subscribers[id] {
            if subscriber.pending > 0 && subscriber.pending < 64 && !lingered && !subscriber.closing {
                // A short wait gathers the events of the next few milliseconds into the same
                // write: one wake-up of this connection and of its event loop for many
                // events, where a busy exchange woke both for every one.
                lingered = true
                try? await Task.sleep(for: Self.linger)
                continue
            }
            if subscriber.pending > 0 {
                let lines = subscriber.popLines(limit: 64 << 10)
                if !lines.isEmpty { return lines }
                continue  // only events that could not be encoded: skipped
            }
            guard await waitForEvents(id, subscriber) else { break }
        }
        return nil
    }

    /// Waits until `subscriber`'s queue has something or the subscription ends; false when it
    /// has ended (an overflow drained, an unsubscribe, or the waiting task cancelled).
    private func waitForEvents(_ id: UInt64, _ subscriber: Subscriber) async -> Bool {
        if subscriber.closing {
            subscribers[id] = nil
            countSubscribers()
            return false
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled || subscribers[id] == nil {
                    continuation.resume()
                    unsubscribe(id)
                    return
                }
                subscriber.waiter = continuation
            }
        } onCancel: {
            Task { await self.unsubscribe(id) }
        }
        return subscribers[id] != nil
    }
}
