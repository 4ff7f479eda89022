/// One change notification, sent as `{"jsonrpc":"2.0","method":"event","params":<RPCEvent>}`.
public struct RPCEvent: Codable, Sendable, Hashable {
    /// Monotonically increasing over the engine's lifetime, shared by all topics.
    public var seq: UInt64
    /// Coarse filter a subscriber chooses by, e.g. `call`.
    public var topic: String
    /// What happened, e.g. `call.answered`.
    public var type: String
    public var data: JSONValue

    public init(seq: UInt64, topic: String, type: String, data: JSONValue) {
        self.seq = seq
        self.topic = topic
        self.type = type
        self.data = data
    }

    /// JSON-RPC method name of event notifications.
    public static let notificationMethod = "event"

    /// The last event a subscriber receives when it fell too far behind: it has been
    /// unsubscribed and must subscribe again (new snapshot) to resynchronise.
    public static let overflowType = "events.overflow"

    /// Whether this is the overflow marker.
    public var isOverflow: Bool { type == Self.overflowType }
}

/// An event notification line. The connection writes it with ``line(_:)`` (JSONValue+Writing);
/// as Encodable it is the reference that output is checked against.
struct RPCEventLine: Encodable {
    let jsonrpc = "2.0"
    let method = RPCEvent.notificationMethod
    let params: RPCEvent
}

/// Well-known topics.
public enum EventTopic {
    public static let call = "call"
    public static let `extension` = "extension"
    public static let registration = "registration"
    /// The engine itself: `engine.overload` when it starts and stops refusing new calls.
    public static let engine = "engine"
    /// `ban.added` when a source is banned for repeated authentication failures,
    /// `ban.removed` when its ban ends. Apart from `engine` so a wallboard (which follows
    /// `engine`) is not shown the addresses.
    public static let ban = "ban"
    /// `trunk.registration` when the registration at a trunk's provider succeeds or fails,
    /// `trunk.reachability` when a checked trunk's server starts or stops answering.
    public static let trunk = "trunk"
    /// Events about the subscription itself, e.g. `events.overflow`.
    public static let events = "events"
}
