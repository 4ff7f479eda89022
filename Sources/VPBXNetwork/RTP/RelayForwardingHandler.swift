import NIOCore

/// The hot path: receives on one socket of a session and sends out of the opposite side's
/// socket of the same kind (RTP to RTP, RTCP to RTCP).
///
/// Both sockets live on the same event loop, so the write happens right here in `channelRead`:
/// no actor hop, no lock, and the received `ByteBuffer` is passed on as it is (no copy). Writes
/// are flushed once per read batch in `channelReadComplete`, which lets NIO send them with one
/// `sendmmsg` where it can.
final class RelayForwardingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let inbound: RelayEndpoint
    private let outbound: RelayEndpoint
    /// RTP sockets feed the inactivity monitor and the last-packet time; RTCP sockets do not.
    private let activity: RelayActivity?
    private var sawPacketInBatch = false

    init(from inbound: RelayEndpoint, to outbound: RelayEndpoint, activity: RelayActivity?) {
        self.inbound = inbound
        self.outbound = outbound
        self.activity = activity
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard self.inbound.admit(from: envelope.remoteAddress) else { return }
        let size = UInt64(envelope.data.readableBytes)
        self.inbound.counters.packetsIn &+= 1
        self.inbound.counters.bytesIn &+= size
        self.sawPacketInBatch = true

        // Features that need the audio (listen, whisper, barge) get a copy; a plain bridged
        // call pays one nil check.
        self.inbound.monitor?.heard(envelope.data, from: self.inbound.side)

        // Music on hold, or a supervisor's mix, replaces the other side's media for now.
        guard self.outbound.injector == nil, !self.outbound.mixedByMonitor else {
            self.outbound.counters.droppedWhilePlaying &+= 1
            return
        }
        guard let target = self.outbound.target else {
            self.outbound.counters.droppedNoRemote &+= 1
            return
        }
        // One sendto right here. What does not go out at once (a full socket buffer) takes
        // NIO's write path, which queues it until the queue is full.
        if let sender = self.outbound.sender, sender.send(envelope.data, to: target) {
            self.outbound.counters.packetsOut &+= 1
            self.outbound.counters.bytesOut &+= size
            return
        }
        // A full send queue means the peer cannot keep up; late media is useless, so drop
        // instead of letting NIO queue it.
        guard self.outbound.channel.isWritable else {
            self.outbound.counters.droppedCongested &+= 1
            return
        }
        self.outbound.channel.write(AddressedEnvelope(remoteAddress: target, data: envelope.data), promise: nil)
        self.outbound.counters.packetsOut &+= 1
        self.outbound.counters.bytesOut &+= size
        self.outbound.needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.outbound.needsFlush {
            self.outbound.needsFlush = false
            self.outbound.channel.flush()
        }
        if self.sawPacketInBatch {
            self.sawPacketInBatch = false
            // One clock read per batch, not per packet.
            self.activity?.record(side: self.inbound.side, at: .now())
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A UDP socket reports ICMP port-unreachable from an earlier send as a read error.
        // That is normal for RTP (a phone hung up or is not listening yet): ignore it and keep
        // the socket open instead of letting the error reach the pipeline's tail.
    }
}
