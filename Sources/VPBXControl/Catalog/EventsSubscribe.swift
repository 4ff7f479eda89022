/// `events.subscribe`: answers with a snapshot and the `seq` it is consistent with, then
/// streams `event` notifications on the same connection (see `RPCEvent`).
///
/// The snapshot reflects every event up to `seq` and may already reflect some later
/// ones; those are delivered too, so clients apply events idempotently (each event
/// carries the entity's new state). A client told `events.overflow` must subscribe again.
public enum EventsSubscribe: RPCMethod {
    public static let name = "events.subscribe"
    public static let summary = "Snapshot plus its seq, then a stream of event notifications on this connection."
    public static let allowedRoles: Set<Role> = .everyone

    public struct Params: Codable, Sendable, Hashable {
        /// Topics to receive (`call`, `extension`, `registration`, ...); nil or empty: all.
        public var topics: [String]?
        public init(topics: [String]? = nil) { self.topics = topics }
    }

    public struct Result: Codable, Sendable, Hashable {
        public var seq: UInt64
        public var snapshot: JSONValue
        public init(seq: UInt64, snapshot: JSONValue) {
            self.seq = seq
            self.snapshot = snapshot
        }
    }
}
