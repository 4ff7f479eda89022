import NIOCore

/// Counters of one socket of a relay session (the RTP or the RTCP socket of one side).
///
/// "In" is what this side's phone sent to us; "out" is what we sent to this side's phone
/// (forwarded from the other side).
public struct RelayStreamCounters: Sendable, Equatable {
    /// Packets received from this side's phone (from its latched address).
    public var packetsIn: UInt64 = 0
    /// Payload bytes of ``packetsIn`` (UDP payload, i.e. the whole RTP packet).
    public var bytesIn: UInt64 = 0
    /// Packets sent to this side's phone.
    public var packetsOut: UInt64 = 0
    /// Bytes of ``packetsOut``.
    public var bytesOut: UInt64 = 0
    /// Packets received on this side from a source other than the latched one, and dropped.
    public var droppedForeignSource: UInt64 = 0
    /// Packets meant for this side's phone that were dropped because its address is not known yet
    /// (no SDP and nothing latched).
    public var droppedNoRemote: UInt64 = 0
    /// Packets meant for this side's phone that were dropped because the socket's send queue was
    /// full; real-time media is dropped rather than queued late.
    public var droppedCongested: UInt64 = 0
    /// Packets meant for this side's phone that were not forwarded because the relay played it
    /// audio of its own meanwhile (music on hold). Not a loss, so not part of ``dropped``.
    public var droppedWhilePlaying: UInt64 = 0

    /// SRTP packets from this side's phone that failed their check (a wrong key, changed on
    /// the way, replayed), and packets for it that could not be encrypted; dropped.
    public var droppedUnprotectable: UInt64 = 0

    public init() {}

    /// All packets dropped on their way into or out of this socket.
    public var dropped: UInt64 {
        self.droppedForeignSource + self.droppedNoRemote + self.droppedCongested + self.droppedUnprotectable
    }
}

/// What one side of a relay session has seen.
public struct RelaySideStatistics: Sendable, Equatable {
    /// The RTP socket's counters.
    public var rtp = RelayStreamCounters()
    /// The RTCP socket's counters.
    public var rtcp = RelayStreamCounters()
    /// When the last RTP packet from this side's phone arrived (monotonic clock, stamped once per
    /// read batch); `nil` if none has.
    public var lastRTPReceived: NIODeadline?
    /// Where RTP for this side's phone goes now: the latched source, else the SDP address.
    public var rtpRemote: SocketAddress?
    /// Whether ``rtpRemote`` was learnt from a received packet (symmetric RTP latching).
    public var isLatched = false
    /// Whether the relay plays this side audio of its own (music on hold) instead of forwarding.
    public var isPlaying = false
    /// Whether the relay decrypts and encrypts this side's SRTP (``RelaySession/terminateSRTP(_:on:)``).
    public var terminatesSRTP = false

    public init() {}
}

/// A consistent snapshot of a relay session's counters, taken on the session's event loop.
public struct RelayStatistics: Sendable, Equatable {
    public var a = RelaySideStatistics()
    public var b = RelaySideStatistics()

    public init() {}

    /// The statistics of `side`.
    public subscript(side: RelaySide) -> RelaySideStatistics {
        get { side == .a ? self.a : self.b }
        set {
            if side == .a { self.a = newValue } else { self.b = newValue }
        }
    }
}
