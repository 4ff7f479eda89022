/// When to try again after the engine went away: exponential backoff from `initialDelay`,
/// doubling up to `maximumDelay`, reset by a successful sync. A pure state machine; the
/// session does the waiting and the connecting.
public struct ReconnectPolicy: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Connect now (first try, or a refresh the user asked for).
        case connectNow
        /// Wait this long, then connect.
        case retry(after: Duration)
    }

    public let initialDelay: Duration
    public let maximumDelay: Duration
    /// Failed tries since the last successful sync.
    public private(set) var failures = 0

    public init(initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(10)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// A snapshot loaded: the next loss starts over from the shortest delay.
    public mutating func synced() { failures = 0 }

    /// The connection failed or broke. The first loss after a good sync retries at once
    /// (the engine may just have restarted), later ones back off.
    public mutating func failed() -> Action {
        failures += 1
        if failures == 1 { return .connectNow }
        return .retry(after: delay(forRetry: failures - 1))
    }

    /// The user asked for a fresh snapshot: reconnect at once, without counting a failure.
    public func refreshRequested() -> Action { .connectNow }

    /// Delay before retry `n` (1-based): initial × 2^(n-1), capped.
    public func delay(forRetry n: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, n) {
            delay *= 2
            if delay >= maximumDelay { return maximumDelay }
        }
        return min(delay, maximumDelay)
    }
}
