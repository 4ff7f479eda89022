/// What `EventHub.subscribe` hands back: the snapshot, the seq it is consistent with,
/// and the events after that seq.
public struct EventSubscription: Sendable {
    public let id: UInt64
    /// The last event published before the snapshot was taken.
    public let seq: UInt64
    public let snapshot: JSONValue
    /// Events with seq greater than `seq`; ends after an `events.overflow` event, on
    /// `EventHub.unsubscribe`, or when the iterating task is cancelled.
    public let events: AsyncStream<RPCEvent>
    /// The same events as their notification lines, as many as are queued at a time (each
    /// line encoded once for all subscribers). Read one of the two streams, not both: they
    /// take from the same queue.
    public let lines: AsyncStream<[UInt8]>
}
