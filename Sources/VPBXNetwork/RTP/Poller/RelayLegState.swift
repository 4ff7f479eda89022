import NIOCore

/// What one relay socket knows about the phone behind it. It moves between the session's
/// event loop (``RelayEndpoint``) and the ``RelayPoller``: whichever forwards the socket's
/// packets owns it, and it is copied across when forwarding changes hands.
struct RelayLegState: Sendable {
    /// Where packets for this side's phone go: the latched source, else the SDP address.
    var target: SocketAddress?
    /// The address from SDP, kept to fall back on when re-latching.
    var expected: SocketAddress?
    var isLatched = false
    /// An address that may not latch the socket (``PolledLeg/shunned``).
    var shunned: SocketAddress?
    var counters = RelayStreamCounters()
    /// When the last RTP packet from the phone arrived (nil for RTCP sockets): the poller
    /// stamps it once per read batch; on the loop it lives in ``RelayActivity`` and is copied
    /// in and out at each hand-over.
    var lastReceived: NIODeadline?
    /// How packets from this socket's phone are changed for the other side (two G.711 laws;
    /// RTP sockets only). The loop decides it; the poller applies it.
    var translation: RelayVoiceTranslation?
    /// The side's SRTP termination (the same object for its RTP and RTCP sockets): packets
    /// from the phone are decrypted as they arrive, packets to it encrypted as they leave.
    /// The loop decides it; whoever forwards uses it.
    var srtp: RelaySRTP?
}

extension RelayEndpoint {
    /// This endpoint's state, to hand to the poller or take back from it.
    var legState: RelayLegState {
        get {
            RelayLegState(
                target: self.target, expected: self.expected, isLatched: self.isLatched, shunned: self.shunned,
                counters: self.counters, translation: self.translation, srtp: self.srtp)
        }
        // The translation and SRTP termination are not taken back: the loop decides them
        // (the poller is told of a translation; SRTP keys change only on the loop).
        set {
            self.restore(
                target: newValue.target, expected: newValue.expected, isLatched: newValue.isLatched,
                shunned: newValue.shunned)
            self.counters = newValue.counters
        }
    }
}
