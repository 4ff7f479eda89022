import NIOCore

/// Hands the datagrams of an endpoint's RTP or RTCP socket to its core (same event loop).
final class EndpointInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: EndpointCore
    private let isRTCP: Bool

    init(core: EndpointCore, isRTCP: Bool) {
        self.core = core
        self.isRTCP = isRTCP
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        if isRTCP {
            core.receivedRTCP(bytes, from: envelope.remoteAddress)
        } else {
            core.receivedRTP(bytes, from: envelope.remoteAddress)
        }
    }

    /// A socket error (e.g. ICMP port unreachable surfacing on the next read) must not end the
    /// call: the peer may simply not be listening yet.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
