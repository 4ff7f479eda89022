import NIOCore
import VPBXSIP

/// One TCP or TLS connection, accepted or opened by us: registers it in the connection table while it
/// is open, hands frames to the core, answers pings, and closes on idleness (unless the
/// connection is held for a registration) or bad framing.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = SIPStreamFrame
    typealias OutboundOut = ByteBuffer

    private let core: SIPTransportCore
    private let id: SIPConnectionID
    private let transport: SIPEndpoint.Transport
    private var remote: SocketAddress?
    private var batch: SIPReadBatch?
    /// The trunk host an outbound connection was opened for: over TLS the name its server's
    /// certificate is checked for; over TCP and TLS, a connection whose failure fails what
    /// was sent on it.
    private let checkedServer: String?

    init(core: SIPTransportCore, id: SIPConnectionID, transport: SIPEndpoint.Transport, checkedServer: String? = nil) {
        self.core = core
        self.id = id
        self.transport = transport
        self.checkedServer = checkedServer
    }

    private func peer(_ address: SocketAddress) -> SIPConnectionTable.Peer {
        SIPConnectionTable.Peer(
            address: address, secure: transport == .tls, checkedFor: transport == .tls ? checkedServer : nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        batch = SIPReadBatch(eventLoop: context.eventLoop)
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard remote == nil, let address = context.channel.remoteAddress else { return }
        remote = address
        core.connections.opened(id, channel: context.channel, remote: peer(address))
        core.counters.update { $0.connectionsOpened += 1 }
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.connections.closed(id, remote: remote.map(peer))
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let batch, let remote else { return }
        batch.open()
        switch Self.unwrapInboundIn(data) {
        case .ping:
            core.counters.update { $0.keepAlives += 1 }
            context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(string: "\r\n")), promise: nil)
        case .message(let bytes):
            let source = SIPEndpoint(transport: transport, address: remote, connection: id)
            if !core.receive(bytes, from: source, channel: context.channel, batch: batch) {
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        batch?.close()
        context.flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // A held connection (a phone registered on it) stays; the event comes again after
            // another idle period, and the connection closes once the hold has lapsed.
            guard !core.connections.isHeld(id, at: .now()) else { return }
            core.logger.debug("closing idle SIP connection to \(remote.map(String.init(describing:)) ?? "?")")
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Framing errors (oversized input above all) and socket errors end the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? SIPParseError, parseError.kind == .tooLarge {
            core.counters.update { $0.tooLarge += 1 }
        }
        if let checkedServer {
            // A provider whose certificate does not check out, or whose connection broke (reset
            // by a server that went down): the administrator must see why its calls fail, not
            // find it in a debug log, and nothing will answer what was sent on it.
            core.countSendFailure(
                "closing the \(transport == .tls ? "TLS" : "TCP") connection to \(checkedServer) at "
                    + "\(remote.map(String.init(describing:)) ?? "?"): \(error)")
            if let remote {
                core.onConnectionFailed(SIPEndpoint(transport: transport, address: remote, serverName: checkedServer))
            }
        } else {
            core.logger.debug("closing SIP connection to \(remote.map(String.init(describing:)) ?? "?"): \(error)")
        }
        context.close(promise: nil)
    }
}
