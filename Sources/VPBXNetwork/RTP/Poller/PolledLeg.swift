import NIOCore

/// One relay socket as the ``RelayPoller`` sees it: its descriptor, what it does with what
/// arrives, and the state it owns while it forwards.
///
/// Confined to the poller thread; kept in one contiguous table indexed by slot.
struct PolledLeg {
    enum Mode {
        /// Latches, counts and forwards to the peer socket's phone.
        case forwarding
        /// Reads and drops (a parked socket set: late packets of an ended call must not wait
        /// in the socket and latch the next call).
        case discarding
        /// A parked socket a new session has taken before its state reached the poller: not
        /// read, so what the new call sends first waits in the socket for the session's
        /// `forward` instead of being dropped as the parked set's. Watched only until a packet
        /// arrives; then ``held``, since epoll would report the waiting packet again and again.
        case claimed
        /// Not read at all: the session's event loop reads it (a feature such as music on hold
        /// or a supervisor needs the audio there), or a claimed socket's first packet waits.
        case held
        /// An unused slot.
        case free

        /// Whether the socket is in the poller's epoll set.
        var isWatched: Bool { self == .forwarding || self == .discarding || self == .claimed }
    }

    var descriptor: CInt = -1
    /// The slot of the socket packets go out of: the other side's socket of the same kind.
    var peer = -1
    var mode = Mode.free
    var target = RawSocketAddress()
    var hasTarget = false
    var expected = RawSocketAddress()
    var hasExpected = false
    var isLatched = false
    /// An address that may not latch this socket (its earlier phone, ``relatch(awayFromCurrent:)``)
    /// unless it is ``expected``; forgotten once another one latched.
    var shunned = RawSocketAddress()
    var hasShunned = false
    var counters = RelayStreamCounters()
    var lastReceived: NIODeadline?
    /// Two G.711 laws: how this socket's packets are changed before they go out of the peer's.
    var translation: RelayVoiceTranslation?
    /// The SRTP termination of this socket's side, if its phone speaks SRTP (shared with the
    /// side's other socket).
    var srtp: RelaySRTP?
    /// An RTCP socket: SRTP protects its packets as SRTCP.
    var isControl = false

    /// Takes `state` over from the event loop.
    mutating func adopt(_ state: RelayLegState) {
        let target = state.target.flatMap(RawSocketAddress.init)
        self.target = target ?? RawSocketAddress()
        self.hasTarget = target != nil
        let expected = state.expected.flatMap(RawSocketAddress.init)
        self.expected = expected ?? RawSocketAddress()
        self.hasExpected = expected != nil
        self.isLatched = state.isLatched && target != nil
        let shunned = state.shunned.flatMap(RawSocketAddress.init)
        self.shunned = shunned ?? RawSocketAddress()
        self.hasShunned = shunned != nil
        self.counters = state.counters
        self.lastReceived = state.lastReceived
        self.translation = state.translation
        self.srtp = state.srtp
    }

    /// The state to hand back to the event loop.
    var state: RelayLegState {
        RelayLegState(
            target: self.hasTarget ? self.target.socketAddress : nil,
            expected: self.hasExpected ? self.expected.socketAddress : nil,
            isLatched: self.isLatched, shunned: self.hasShunned ? self.shunned.socketAddress : nil, counters: self.counters, lastReceived: self.lastReceived,
            translation: self.translation, srtp: self.srtp)
    }

    /// As ``RelayEndpoint/setExpected(_:)``: a latched address stays.
    mutating func setExpected(_ address: RawSocketAddress) {
        self.expected = address
        self.hasExpected = true
        if !self.isLatched {
            self.target = address
            self.hasTarget = true
        }
    }

    /// As ``RelayEndpoint/relatch(awayFromCurrent:)``.
    mutating func relatch(awayFromCurrent: Bool = false) {
        if awayFromCurrent && self.isLatched {
            self.shunned = self.target
            self.hasShunned = true
        }
        self.isLatched = false
        if self.hasExpected {
            self.target = self.expected
            self.hasTarget = true
        }
    }
}
