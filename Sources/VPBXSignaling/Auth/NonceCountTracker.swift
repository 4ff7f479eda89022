import Foundation

/// Remembers the highest `nc` seen per nonce so a captured request cannot be replayed
/// (RFC 7616 §5.12), in bounded memory.
///
/// Clock-free: the caller passes the time. Nonces are forgotten `retention` seconds after
/// first use (set it to at least the nonce lifetime) or, oldest first, when `capacity` is
/// reached. A forgotten nonce must not become replayable, so the tracker keeps a watermark:
/// an unknown nonce issued before the first use of the newest forgotten one is answered
/// `.forgotten`, and the verifier re-challenges with a fresh nonce.
///
/// The capacity decides how long a challenge stays answerable in a registration storm: with
/// N nonces in use a second, one issued more than `capacity / N` seconds before its answer
/// arrives is answered `.forgotten` (issue times are whole seconds, so up to a second
/// sooner). At 10,000, 16,000 REGISTERs a second after a power cut left well under a second,
/// less than the core's queue delay at that rate, so a third of the phones were sent a stale
/// challenge again and again (docs/performance.md, stop 37). Entries are kept by a 64-bit
/// hash of the nonce (about 40 bytes each, 8 MB at the default capacity) rather than the
/// 64-character text; two nonces sharing a hash would share a count, which only makes the
/// second one's first use look like a replay, and a replay is answered with a fresh
/// challenge by the registrar and the call path (`RequestAuthenticator`), not refused.
public struct NonceCountTracker: Sendable {
    /// What `record` decided.
    public enum Outcome: Sendable, Equatable {
        /// The count is higher than any seen for this nonce (or the nonce is new).
        case accepted
        /// The count was already used for this nonce: a replay or a confused client.
        case replay
        /// The nonce may have been used and then evicted; treat it as stale.
        case forgotten
    }

    private struct Entry: Sendable {
        var highestCount: UInt32
        var firstSeen: Date
    }

    /// Maximum number of nonces remembered at once.
    public let capacity: Int
    /// Seconds a nonce is remembered after its first use.
    public let retention: TimeInterval

    private var entries: [Int: Entry] = [:]
    /// Nonce hashes in first-use order; `head` is the oldest one still in `entries`.
    private var order: [Int] = []
    private var head = 0
    private var forgottenUpTo: Date?

    public init(capacity: Int = 200_000, retention: TimeInterval = 300) {
        self.capacity = Swift.max(1, capacity)
        self.retention = retention
    }

    /// Number of nonces currently remembered.
    public var count: Int { entries.count }

    /// Records that `nonce`, issued at `issuedAt`, was used with count `nonceCount` at `now`.
    public mutating func record(nonce: String, nonceCount: UInt32, issuedAt: Date, now: Date) -> Outcome {
        evict(before: now.addingTimeInterval(-retention))
        let key = nonce.hashValue
        if var entry = entries[key] {
            guard nonceCount > entry.highestCount else { return .replay }
            entry.highestCount = nonceCount
            entries[key] = entry
            return .accepted
        }
        if let forgottenUpTo, issuedAt <= forgottenUpTo { return .forgotten }
        if entries.count >= capacity { evictOldest() }
        entries[key] = Entry(highestCount: nonceCount, firstSeen: now)
        order.append(key)
        return .accepted
    }

    private mutating func evict(before limit: Date) {
        while head < order.count, let entry = entries[order[head]], entry.firstSeen < limit {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        guard head < order.count else { return }
        let key = order[head]
        head += 1
        if let entry = entries.removeValue(forKey: key) {
            forgottenUpTo = Swift.max(forgottenUpTo ?? entry.firstSeen, entry.firstSeen)
        }
        // Compact now and then so `order` stays proportional to `entries`.
        if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
