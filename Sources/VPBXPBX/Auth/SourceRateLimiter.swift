/// Caps the new requests one untrusted source may send per second, as Kamailio's `pike`
/// module does: a flood from one address (a scanner, a broken phone in a REGISTER loop) is
/// dropped past the limit, costing a parse and a counter instead of a transaction, a
/// challenge and a response each.
///
/// Only requests that would start something count (out of dialog, not a retransmission, not
/// a CANCEL of a request already let in); calls already up are never cut. The limit is per
/// IP address: an office behind one NAT address shares it, so the default is set far above
/// what even a large office sends (its phones' REGISTER, SUBSCRIBE and OPTIONS refreshes and
/// new calls: tens a second).
///
/// Memory is bounded: counts are kept for one second at a time, and at most
/// ``maximumTrackedSources`` sources are counted in a second (a flood of forged source
/// addresses beyond that is not counted, rather than growing the table).
struct SourceRateLimiter: Sendable {
    enum Verdict: Equatable, Sendable {
        case admit
        /// Dropped; `firstInWindow`: the first drop of this source in this second.
        case drop(firstInWindow: Bool)
    }

    /// New requests per second from one source; 0 turns the limit off.
    let limit: Int
    let maximumTrackedSources: Int
    /// Where the current one-second window began (at the first request after the last one
    /// ended); counts start again with each window.
    private var windowStart: ContinuousClock.Instant?
    private var counts: [String: Int] = [:]

    init(limit: Int, maximumTrackedSources: Int = 65_536) {
        self.limit = limit
        self.maximumTrackedSources = maximumTrackedSources
    }

    var isEnabled: Bool { limit > 0 }

    /// Counts one new request from `source` (an IP address as text) at `now`.
    mutating func admit(_ source: String, now: ContinuousClock.Instant) -> Verdict {
        if windowStart.map({ now - $0 >= .seconds(1) }) ?? true {
            windowStart = now
            counts.removeAll(keepingCapacity: counts.count <= 4096)
        }
        if let count = counts[source] {
            counts[source] = count + 1
            return count < limit ? .admit : .drop(firstInWindow: count == limit)
        }
        if counts.count < maximumTrackedSources { counts[source] = 1 }
        return .admit
    }
}
