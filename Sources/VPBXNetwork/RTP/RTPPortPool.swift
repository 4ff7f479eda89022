import NIOConcurrencyHelpers
import NIOCore

/// Hands out RTP ports from a configured range: always even, with RTCP on `port + 1`, and never
/// the same port twice while it is in use.
///
/// The pool only does bookkeeping; it never opens a socket. Whoever binds the sockets reserves a
/// port, and on a bind failure (another process holds the port) releases it and reserves again:
/// the free ports wait in a queue, least recently released first, so the next reservation is a
/// different port. The queue also means a port just given back is reused as late as possible,
/// which keeps stray late packets of an ended call away from the next one. Reserving and
/// releasing cost the same however full the range is (a cursor walking the range past the
/// ports in use cost a hash lookup per port skipped, under the lock: thousands a call with the
/// range nearly full, a profile's largest item in one overloaded run).
///
/// Thread-safe. It is used once per session set-up and tear-down, never per packet, so a lock is
/// fine here.
public final class RTPPortPool: Sendable {
    private struct State {
        var inUse: Set<Int> = []
        /// Every RTP port not in use, least recently released first.
        var free: CircularBuffer<Int>
    }

    /// The lowest RTP port the pool hands out (even).
    public let firstPort: Int
    /// The highest RTP port the pool hands out (even; its RTCP port is `lastPort + 1`).
    public let lastPort: Int
    private let state: NIOLockedValueBox<State>

    /// Creates a pool over `range`. Odd bounds are rounded inwards so that every RTP port is even
    /// and every RTCP port is inside the range.
    ///
    /// - Throws: ``RTPRelayError/Code/invalidPortRange`` if the range holds no pair or leaves 1...65535.
    /// At most this many pairs are reserved at once: the range's capacity, or fewer when the
    /// process's descriptor limit would run out first (see ``init(range:maxInUse:)``).
    public let limit: Int

    /// `maxInUse` caps the pairs reserved at once below the range's capacity. Each pair is two
    /// sockets; a process out of descriptors does not only fail the next call, it takes down
    /// libdispatch, whose worker-pool monitor traps when it cannot open `/proc/.../stat`.
    public init(range: ClosedRange<Int> = 10000...20000, maxInUse: Int? = nil) throws {
        let first = range.lowerBound + range.lowerBound % 2
        let last = (range.upperBound - 1) - (range.upperBound - 1) % 2
        guard range.lowerBound >= 1, range.upperBound <= 65535, first <= last else {
            throw RTPRelayError(
                .invalidPortRange,
                "RTP port range \(range.lowerBound)-\(range.upperBound) holds no even RTP port with its RTCP port; "
                    + "configure a range inside 1-65535 with at least two ports, e.g. 10000-20000"
            )
        }
        self.firstPort = first
        self.lastPort = last
        self.state = NIOLockedValueBox(State(free: CircularBuffer(stride(from: first, through: last, by: 2))))
        self.limit = max(1, min((last - first) / 2 + 1, maxInUse ?? Int.max))
    }

    /// How many RTP/RTCP pairs the range holds.
    public var capacity: Int { (self.lastPort - self.firstPort) / 2 + 1 }

    /// How many pairs are reserved right now.
    public var inUseCount: Int { self.state.withLockedValue { $0.inUse.count } }

    /// Whether `port` is reserved right now.
    public func isInUse(_ port: Int) -> Bool { self.state.withLockedValue { $0.inUse.contains(port) } }

    /// Reserves the free even port released longest ago (at first, in order from the bottom).
    ///
    /// - Throws: ``RTPRelayError/Code/portsExhausted`` when every pair is reserved.
    public func reserve() throws -> Int {
        let reserved: Int? = self.state.withLockedValue { state in
            guard state.inUse.count < self.limit, let port = state.free.popFirst() else { return nil }
            state.inUse.insert(port)
            return port
        }
        guard let reserved else {
            if self.limit < self.capacity {
                throw RTPRelayError(
                    .portsExhausted,
                    "\(self.limit) RTP port pairs are in use, as many as the file descriptor limit allows "
                        + "(the range holds \(self.capacity)); end calls or raise 'ulimit -n'"
                )
            }
            throw RTPRelayError(
                .portsExhausted,
                "all \(self.capacity) RTP port pairs in \(self.firstPort)-\(self.lastPort + 1) are in use; "
                    + "end calls or widen the configured RTP port range"
            )
        }
        return reserved
    }

    /// Gives `port` back. Releasing a port that is not reserved does nothing, so tear-down paths
    /// may release without tracking whether they already did.
    public func release(_ port: Int) {
        self.state.withLockedValue { state in
            if state.inUse.remove(port) != nil { state.free.append(port) }
        }
    }
}
