import NIOCore

/// Reads SIP datagrams on one UDP socket and hands each to the core, on this socket's loop.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: SIPTransportCore
    private var batch: SIPReadBatch?

    init(core: SIPTransportCore) {
        self.core = core
    }

    func handlerAdded(context: ChannelHandlerContext) {
        batch = SIPReadBatch(eventLoop: context.eventLoop)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let batch else { return }
        let envelope = Self.unwrapInboundIn(data)
        batch.open()
        // The one copy between the socket and the parser, which takes `[UInt8]`.
        let bytes = Array(envelope.data.readableBytesView)
        _ = core.receive(bytes, from: .udp(envelope.remoteAddress), channel: context.channel, batch: batch)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        batch?.close()
        context.flush()
        context.fireChannelReadComplete()
    }

    /// A UDP socket reports errors such as ICMP port unreachable for an earlier send; they
    /// concern one peer, so the listening socket stays open.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        core.logger.debug("UDP socket \(context.channel.localAddress.map(String.init(describing:)) ?? "?"): \(error)")
    }
}
