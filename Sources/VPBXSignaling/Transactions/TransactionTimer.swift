/// The timers of RFC 3261 §17 (Table 4) plus L and M from RFC 6026, and the unnamed 200 ms of
/// §17.2.1 after which an INVITE server transaction sends `100 Trying` if the TU has not
/// answered yet (`trying`). State machines never sleep: they return `.startTimer` actions and
/// are told when a timer fires; stale timers (fired in a state where they mean nothing) are
/// ignored, so the owner never has to cancel one (the core still takes the long ones it knows
/// are stale out of its wheel, to save their memory: PBXCore+StaleTimers).
public enum TransactionTimer: String, Hashable, Sendable, CaseIterable {
    case a = "A", b = "B", d = "D", e = "E", f = "F", g = "G", h = "H", i = "I", j = "J", k = "K"
    case l = "L", m = "M"
    case trying = "Trying"

    /// The timers that end their transaction when they fire (the wait states' D, I, J, K, L,
    /// M, and H, which gives up on an ACK): one fixed delay each, never cancelled.
    public var endsTheTransaction: Bool {
        switch self {
        case .d, .h, .i, .j, .k, .l, .m: true
        case .a, .b, .e, .f, .g, .trying: false
        }
    }
}

/// T1, T2, T4 of RFC 3261 §17.1.1.1. Tests shrink them; production keeps the defaults.
///
/// Every transaction keeps a copy for as long as it lives (up to 64·T1 in its wait states),
/// so the values are stored as nanoseconds, 24 bytes, rather than as four `Duration`s (64).
public struct TransactionTimings: Sendable, Equatable {
    private var t1Nanoseconds: Int64
    private var t2Nanoseconds: Int64
    private var t4Nanoseconds: Int64

    public var t1: Duration {
        get { .nanoseconds(t1Nanoseconds) }
        set { t1Nanoseconds = newValue.wholeNanoseconds }
    }
    public var t2: Duration {
        get { .nanoseconds(t2Nanoseconds) }
        set { t2Nanoseconds = newValue.wholeNanoseconds }
    }
    public var t4: Duration {
        get { .nanoseconds(t4Nanoseconds) }
        set { t4Nanoseconds = newValue.wholeNanoseconds }
    }

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        t1Nanoseconds = t1.wholeNanoseconds
        t2Nanoseconds = t2.wholeNanoseconds
        t4Nanoseconds = t4.wholeNanoseconds
    }

    /// 64·T1: the transaction timeout (timers B, F, H, J, L, M). An integer product: it is read
    /// several times per call, and `Duration` multiplication is 128-bit arithmetic.
    public var timeout: Duration { .nanoseconds(t1Nanoseconds &* 64) }

    /// How long an INVITE server transaction waits for the TU's first response before it
    /// sends `100 Trying` itself: the 200 ms of RFC 3261 §17.2.1, and at most T1/2 so a caller
    /// with the same T1 hears it before it retransmits.
    public var tryingDelay: Duration { .nanoseconds(min(200_000_000, t1Nanoseconds / 2)) }

    public static let rfc3261 = TransactionTimings()
}

/// Whether the transport retransmits for us (TCP, TLS) or not (UDP). RFC 3261 drops the
/// retransmission timers and zeroes the wait timers on reliable transports.
public enum TransportReliability: Sendable, Equatable {
    case unreliable
    case reliable
}
