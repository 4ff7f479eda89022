import NIOCore

/// One of a session's four sockets and what it knows about the phone behind it.
///
/// Confined to the session's event loop: the forwarding handler reads and writes these fields
/// directly on every packet, without locks. Everything else reaches it through the loop.
final class RelayEndpoint {
    let side: RelaySide
    let channel: Channel
    /// Where packets for this side's phone go: the latched source, else the SDP address.
    private(set) var target: SocketAddress?
    /// The address from SDP, kept to fall back on when re-latching.
    private(set) var expected: SocketAddress?
    /// Whether ``target`` was learnt from a received packet.
    private(set) var isLatched = false
    /// An address that may not latch this side (its earlier phone, ``relatch(awayFromCurrent:)``)
    /// unless it is ``expected``; forgotten once another one latched.
    private(set) var shunned: SocketAddress?
    var counters = RelayStreamCounters()
    /// Set when something was written to ``channel`` in the current read batch and not flushed.
    var needsFlush = false
    /// Audio the relay plays to this side's phone instead of forwarding the other side (music on
    /// hold); the forwarding handler drops what the other side sends meanwhile.
    var injector: RelayAudioInjector?
    /// A supervisor attached to the call: it gets a copy of what this side's phone sends
    /// (RTP endpoints only).
    var monitor: RelayMonitor?
    /// A recording of the call: it gets a copy of what this side's phone sends (RTP only).
    var recorder: RelayRecorder?
    /// Reads the keys this side's phone presses, while the core waits for one (RTP only).
    var digitWatcher: RelayDigitWatcher?
    /// The monitor sends this side's phone a mix (whisper, barge) instead of the forwarding.
    var mixedByMonitor = false
    /// What is changed in packets from this side's phone before they go to the other side,
    /// when the two phones use different G.711 laws (RTP endpoints only).
    var translation: RelayVoiceTranslation?
    /// Where ``translation`` writes converted packets; made at the first one, then reused.
    var translationBuffer = ByteBuffer()
    /// SRTP the engine terminates for this side's phone (RTP and RTCP endpoints alike).
    var srtp: RelaySRTP?

    /// Sends on ``channel``'s socket without NIO's write path, when the socket has one.
    let sender: LoopDirectSender?

    init(side: RelaySide, channel: Channel, sender: LoopDirectSender? = nil) {
        self.side = side
        self.channel = channel
        self.sender = sender
    }

    /// Symmetric RTP: the first packet fixes the phone's address (what its NAT shows us, not
    /// what its SDP claims); later packets from anyone else are dropped and counted.
    ///
    /// - Returns: whether the packet from `source` belongs to this side's phone.
    @inline(__always)
    func admit(from source: SocketAddress) -> Bool {
        if self.isLatched {
            if source == self.target { return true }
            self.counters.droppedForeignSource &+= 1
            return false
        }
        if let shunned = self.shunned {
            guard source != shunned || source == self.expected else {
                self.counters.droppedForeignSource &+= 1
                return false
            }
            self.shunned = nil
        }
        self.target = source
        self.isLatched = true
        return true
    }

    /// The address from SDP: where to send until a packet arrives to latch to. A latched
    /// address is proven to work and stays until ``relatch()``.
    func setExpected(_ address: SocketAddress) {
        self.expected = address
        if !self.isLatched { self.target = address }
    }

    /// After a re-INVITE the phone may send from somewhere else: the next packet latches anew.
    /// Meanwhile send to the SDP address if there is one, else keep the old address.
    /// `awayFromCurrent`: another phone takes the side over, and the latched one's last packets
    /// must not latch it again.
    func relatch(awayFromCurrent: Bool = false) {
        if awayFromCurrent, self.isLatched { self.shunned = self.target }
        self.isLatched = false
        if let expected = self.expected { self.target = expected }
    }

    /// Takes over what the poller learnt while it forwarded this socket's packets.
    func restore(target: SocketAddress?, expected: SocketAddress?, isLatched: Bool, shunned: SocketAddress?) {
        self.target = target
        self.expected = expected
        self.isLatched = isLatched
        self.shunned = shunned
    }
}
