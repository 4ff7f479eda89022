/// The timers of RFC 3261 §17 (Table 4) plus L and M from RFC 6026, and the unnamed 200 ms of
/// §17.2.1 after which an INVITE server transaction sends `100 Trying` if the TU has not
/// answered yet (`trying`). State machines never sleep: they return `.startTimer` actions and
/// are told when a timer fires; stale timers (fired in a state where they mean nothing) are
/// ignored, so the owner never has to cancel one.
public enum TransactionTimer: String, Hashable, Sendable, CaseIterable {
    case a = "A", b = "B", d = "D", e = "E", f = "F", g = "G", h = "H", i = "I", j = "J", k = "K"
    case l = "L", m = "M"
    case trying = "Trying"
}

/// T1, T2, T4 of RFC 3261 §17.1.1.1. Tests shrink them; production keeps the defaults.
public struct TransactionTimings: Sendable, Equatable {
    public var t1: Duration { didSet { timeout = t1 * 64 } }
    public var t2: Duration
    public var t4: Duration

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.timeout = t1 * 64
    }

    /// 64·T1: the transaction timeout (timers B, F, H, J, L, M). Stored: it is read several
    /// times per call, and `Duration` multiplication is 128-bit arithmetic.
    public private(set) var timeout: Duration

    /// How long an INVITE server transaction waits for the TU's first response before it
    /// sends `100 Trying` itself: the 200 ms of RFC 3261 §17.2.1, and at most T1/2 so a caller
    /// with the same T1 hears it before it retransmits.
    public var tryingDelay: Duration { min(.milliseconds(200), t1 / 2) }

    public static let rfc3261 = TransactionTimings()
}

/// Whether the transport retransmits for us (TCP, TLS) or not (UDP). RFC 3261 drops the
/// retransmission timers and zeroes the wait timers on reliable transports.
public enum TransportReliability: Sendable, Equatable {
    case unreliable
    case reliable
}
