import NIOConcurrencyHelpers
import NIOCore

/// Bound socket sets of closed sessions, kept open for the next session instead of binding and
/// closing four UDP sockets per call (each bind and close is several syscalls, an epoll
/// registration and a channel with its pipeline; under call bursts that was a large part of a
/// call's cost).
///
/// First in, first out, and a set is handed out again only after it has been idle for
/// `reuseDelay`: late packets of the ended call arrive at no handler (they are dropped) instead
/// of latching the next call to the old phone, which is the same concern that makes the port
/// pool walk its range round-robin. Parked sets keep their ports reserved in the port pool.
///
/// Thread-safe; used once per session set-up and tear-down, never per packet.
final class RelayIdleSockets: Sendable {
    private struct Parked {
        let sockets: RelaySockets
        let since: NIODeadline
    }

    let limit: Int
    let reuseDelay: TimeAmount
    /// A ring buffer: taking the oldest is O(1), where an array shifted up to `limit` sets.
    private let parked = NIOLockedValueBox(CircularBuffer<Parked>())

    init(limit: Int, reuseDelay: TimeAmount) {
        self.limit = limit
        self.reuseDelay = reuseDelay
    }

    var count: Int { self.parked.withLockedValue { $0.count } }

    /// Keeps `sockets` for reuse; false when the pool is full (the caller closes them).
    func park(_ sockets: RelaySockets, now: NIODeadline = .now()) -> Bool {
        self.parked.withLockedValue { parked in
            guard parked.count < self.limit else { return false }
            parked.append(Parked(sockets: sockets, since: now))
            return true
        }
    }

    /// The longest-idle set, if it has been idle for `reuseDelay` (or at all, when `evenIfRecent`:
    /// the port range is exhausted and a recent set beats refusing the call).
    func take(now: NIODeadline = .now(), evenIfRecent: Bool = false) -> RelaySockets? {
        self.parked.withLockedValue { parked in
            guard let oldest = parked.first, evenIfRecent || now - oldest.since >= self.reuseDelay else { return nil }
            parked.removeFirst()
            return oldest.sockets
        }
    }

    /// Takes out the sets parked at or before `cutoff` (the oldest first), for closing: what a
    /// burst of calls left parked and the calls since have not needed.
    func removeParked(before cutoff: NIODeadline) -> [RelaySockets] {
        self.parked.withLockedValue { parked in
            var removed: [RelaySockets] = []
            while let oldest = parked.first, oldest.since <= cutoff {
                removed.append(parked.removeFirst().sockets)
            }
            return removed
        }
    }

    /// Empties the pool, for closing.
    func removeAll() -> [RelaySockets] {
        self.parked.withLockedValue { parked in
            defer { parked.removeAll() }
            return parked.map(\.sockets)
        }
    }
}
