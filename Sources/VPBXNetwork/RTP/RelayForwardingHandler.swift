import NIOCore

/// The hot path: receives on one socket of a session and sends out of the opposite side's
/// socket of the same kind (RTP to RTP, RTCP to RTCP).
///
/// Both sockets live on the same event loop, so the write happens right here in `channelRead`:
/// no actor hop, no lock, and the received `ByteBuffer` is passed on as it is (no copy). Writes
/// are flushed once per read batch in `channelReadComplete`, which lets NIO send them with one
/// `sendmmsg` where it can.
///
/// A handler is installed once, when its socket set is bound (``RelayForwarders``), and stays
/// while the set is parked between calls: each session attaches its endpoints and detaches
/// them when it closes. Adding and removing four handlers per call cost more than the rest of
/// a session's set-up on its event loop. Detached, it drops what arrives (late packets of the
/// ended call).
final class RelayForwardingHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private var inbound: RelayEndpoint?
    private var outbound: RelayEndpoint?
    /// Arrivals keep the side alive for the inactivity timeout; an RTP socket's also make
    /// its last-packet time.
    private var activity: RelayActivity?
    private var isControl = false
    private var sawPacketInBatch = false

    /// Forwards what arrives for `inbound` to `outbound`'s phone from now on.
    /// - Parameter isControl: the sockets are RTCP ones: their packets count as a sign of
    ///   life, not as media.
    func attach(from inbound: RelayEndpoint, to outbound: RelayEndpoint, activity: RelayActivity?, isControl: Bool = false) {
        self.inbound = inbound
        self.outbound = outbound
        self.activity = activity
        self.isControl = isControl
        self.sawPacketInBatch = false
    }

    /// Drops what arrives from now on; the endpoints keep their counters for the session's
    /// final statistics.
    func detach() {
        self.inbound = nil
        self.outbound = nil
        self.activity = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let inbound = self.inbound, let outbound = self.outbound else { return }
        let envelope = self.unwrapInboundIn(data)
        var data = envelope.data
        // An SRTP phone's packet is checked before it may latch the side, and everything
        // after this works on the plain packet.
        if let srtp = inbound.srtp {
            guard let plain = srtp.unprotect(data, control: self.isControl) else {
                inbound.counters.droppedUnprotectable &+= 1
                return
            }
            data = plain
        }
        guard inbound.admit(from: envelope.remoteAddress) else { return }
        let size = UInt64(envelope.data.readableBytes)
        inbound.counters.packetsIn &+= 1
        inbound.counters.bytesIn &+= size
        self.sawPacketInBatch = true

        // Features that need the audio (listen, whisper, barge, recording) get a copy; a plain bridged
        // call pays one nil check.
        inbound.monitor?.heard(data, from: inbound.side)
        inbound.recorder?.heard(data, from: inbound.side)
        inbound.digitWatcher?.heard(data)

        // Music on hold, or a supervisor's mix, replaces the other side's media for now.
        guard outbound.injector == nil, !outbound.mixedByMonitor else {
            outbound.counters.droppedWhilePlaying &+= 1
            return
        }
        guard let target = outbound.target else {
            outbound.counters.droppedNoRemote &+= 1
            return
        }
        // Phones in different G.711 laws: the packet as the other phone expects it.
        if let translation = inbound.translation, let converted = translation.translated(data, into: &inbound.translationBuffer) {
            data = converted
        }
        if let srtp = outbound.srtp {
            guard let protected = srtp.protect(data, control: self.isControl) else {
                outbound.counters.droppedUnprotectable &+= 1
                return
            }
            data = protected
        }
        let sizeOut = UInt64(data.readableBytes)
        // One sendto right here. What does not go out at once (a full socket buffer) takes
        // NIO's write path, which queues it until the queue is full.
        if let sender = outbound.sender, sender.send(data, to: target) {
            outbound.counters.packetsOut &+= 1
            outbound.counters.bytesOut &+= sizeOut
            return
        }
        // A full send queue means the peer cannot keep up; late media is useless, so drop
        // instead of letting NIO queue it.
        guard outbound.channel.isWritable else {
            outbound.counters.droppedCongested &+= 1
            return
        }
        outbound.channel.write(AddressedEnvelope(remoteAddress: target, data: data), promise: nil)
        outbound.counters.packetsOut &+= 1
        outbound.counters.bytesOut &+= sizeOut
        outbound.needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let inbound = self.inbound, let outbound = self.outbound else { return }
        if outbound.needsFlush {
            outbound.needsFlush = false
            outbound.channel.flush()
        }
        if self.sawPacketInBatch {
            self.sawPacketInBatch = false
            // One clock read per batch, not per packet.
            if self.isControl {
                self.activity?.recordControl(side: inbound.side, at: .now())
            } else {
                self.activity?.record(side: inbound.side, at: .now())
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A UDP socket reports ICMP port-unreachable from an earlier send as a read error.
        // That is normal for RTP (a phone hung up or is not listening yet): ignore it and keep
        // the socket open instead of letting the error reach the pipeline's tail.
    }
}
