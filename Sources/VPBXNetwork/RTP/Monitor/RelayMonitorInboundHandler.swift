import NIOCore

/// Receives on the supervisor's RTP socket: latches the phone's address (symmetric RTP, as for
/// any leg) and hands its packets to the monitor. The RTCP socket gets one too, with no
/// monitor, so reports and ICMP errors end here instead of the pipeline's tail.
final class RelayMonitorInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let endpoint: RelayEndpoint
    private weak var monitor: RelayMonitor?

    init(endpoint: RelayEndpoint, monitor: RelayMonitor?) {
        self.endpoint = endpoint
        self.monitor = monitor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        var packet = envelope.data
        // As on the call's own sides: an SRTP phone's packet is checked before it may latch.
        if let srtp = self.endpoint.srtp {
            guard let plain = srtp.unprotect(packet, control: false) else {
                self.endpoint.counters.droppedUnprotectable &+= 1
                return
            }
            packet = plain
        }
        guard self.endpoint.admit(from: envelope.remoteAddress) else { return }
        self.endpoint.counters.packetsIn &+= 1
        self.endpoint.counters.bytesIn &+= UInt64(envelope.data.readableBytes)
        self.monitor?.heardSupervisor(packet)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP port-unreachable from an earlier send: the phone is not listening yet, or left.
    }
}
