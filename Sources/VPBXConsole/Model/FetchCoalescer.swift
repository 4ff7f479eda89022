/// Keeps at most one fetch of a kind in flight while events ask for fresh figures in
/// bursts (a busy queue changes many times a second). A request while idle starts a fetch
/// at once; requests while one is in flight are merged into one more fetch, started when
/// the running one finishes. A pure state machine; the session does the fetching.
public struct FetchCoalescer: Sendable, Equatable {
    /// What to fetch.
    public enum Target: Sendable, Hashable {
        /// Everything of this kind (e.g. `queue.stats` without a queue).
        case all
        /// One entity (e.g. `queue.stats {queue}`).
        case one(String)
    }

    public private(set) var inFlight = false
    private var pending: Set<String> = []
    private var pendingAll = false

    public init() {}

    /// An event asks for `target`. Returns what to fetch now, or nil when a fetch is
    /// already running (the request is remembered for the next one).
    public mutating func request(_ target: Target) -> Target? {
        guard inFlight else {
            inFlight = true
            return target
        }
        switch target {
        case .all: pendingAll = true
        case .one(let name): pending.insert(name)
        }
        return nil
    }

    /// The running fetch finished (successfully or not). Returns the next fetch to start:
    /// one entity when exactly one was asked for meanwhile, everything when more were.
    public mutating func finished() -> Target? {
        defer {
            pending = []
            pendingAll = false
        }
        if pendingAll || pending.count > 1 { return .all }
        if let name = pending.first { return .one(name) }
        inFlight = false
        return nil
    }

    /// The connection was replaced: forget everything (the snapshot has it all).
    public mutating func reset() { self = FetchCoalescer() }
}
