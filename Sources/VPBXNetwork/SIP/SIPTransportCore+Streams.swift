import NIOCore
import NIOPosix
import NIOSSL

extension SIPTransportCore {
    /// An accepted connection: refused (NIO closes it) while
    /// ``SIPTransportConfiguration/maximumTCPConnections`` are open, else set up. Outbound
    /// connections (to phones' TCP contacts) are not capped: a flood must not stop calls out.
    func acceptStream(_ channel: any Channel, transport: SIPEndpoint.Transport) throws {
        guard connections.count < configuration.maximumTCPConnections else {
            var refused: UInt64 = 0
            counters.update {
                $0.connectionsRefused += 1
                refused = $0.connectionsRefused
            }
            // The 1st, 10th, 100th... refusal: an administrator sees a flood start and grow
            // without a log line per connection of it.
            if Self.isPowerOfTen(refused) {
                logger.warning(
                    "refused incoming SIP connections: \(configuration.maximumTCPConnections) are open (--max-tcp-connections); \(refused) refused so far")
            }
            throw SIPTransportError.tooManyConnections(configuration.maximumTCPConnections)
        }
        try configureStream(channel, transport: transport, accepted: true)
    }

    static func isPowerOfTen(_ value: UInt64) -> Bool {
        var value = value
        while value >= 10, value % 10 == 0 { value /= 10 }
        return value == 1
    }

    /// The pipeline of every TCP or TLS connection, accepted or outbound: for TLS the
    /// handshake and encryption first, then the same framing as TCP. `serverName`: an
    /// outbound TLS connection whose server's certificate is checked (``SIPEndpoint/serverName``).
    func configureStream(
        _ channel: any Channel, transport: SIPEndpoint.Transport, accepted: Bool, serverName: String? = nil
    ) throws {
        try Self.enableKeepAliveProbes(channel)
        let handlers = channel.pipeline.syncOperations
        if transport == .tls {
            if let serverName, !accepted {
                // Needs no TLS listener: a trunk may use TLS on an engine whose phones do not.
                try handlers.addHandler(try serverCheck.handler(serverName: serverName))
            } else {
                guard let tls else { throw SIPTransportError.tlsNotConfigured }
                if accepted {
                    try handlers.addHandler(NIOSSLServerHandler(context: tls.server))
                } else {
                    try handlers.addHandler(try NIOSSLClientHandler(context: tls.client, serverHostname: nil))
                }
            }
        }
        try handlers.addHandler(IdleStateHandler(allTimeout: configuration.tcpIdleTimeout))
        try handlers.addHandler(ByteToMessageHandler(SIPStreamDecoder(limits: configuration.limits)))
        try handlers.addHandler(
            SIPStreamHandler(core: self, id: connections.makeID(), transport: transport, checkedServer: serverName))
    }

    /// The kernel's keep-alive probes on a SIP connection: after ``keepAliveIdleSeconds``
    /// without traffic, one every ``keepAliveIntervalSeconds``, the connection failing after
    /// ``keepAliveProbes`` unanswered. A phone that vanished without closing (switched off,
    /// its NAT mapping gone) is then noticed within about four minutes, instead of its
    /// connection staying open as long as the registration holds it (up to an hour); and the
    /// probes keep a live phone's NAT mapping from timing out meanwhile.
    static func enableKeepAliveProbes(_ channel: any Channel) throws {
        guard let options = channel.syncOptions else { return }
        try options.setOption(.socketOption(.so_keepalive), value: 1)
        for (name, value) in [
            (TCP_KEEPIDLE, keepAliveIdleSeconds), (TCP_KEEPINTVL, keepAliveIntervalSeconds), (TCP_KEEPCNT, keepAliveProbes),
        ] {
            try options.setOption(
                ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: name)), value: value)
        }
    }

    static let keepAliveIdleSeconds = 120
    static let keepAliveIntervalSeconds = 30
    static let keepAliveProbes = 4

    /// Sends on the endpoint's own connection if it is still open, else on any open connection
    /// to its address over the same transport, else on a new one (an outbound request to a
    /// phone's TCP or TLS contact).
    func sendStream(_ bytes: [UInt8], to endpoint: SIPEndpoint) {
        if let id = endpoint.connection, let channel = connections.channel(for: id), channel.isActive {
            write(bytes, on: channel, to: endpoint, batch: nil)
            return
        }
        let address = endpoint.address
        let transport = endpoint.transport
        // The pending promise and the new channel share one event loop, so the writes queued
        // on the promise run, in order, before any later send finds the connection open and
        // writes directly: requests to a phone leave in the order they were sent.
        let loop = group.next()
        let peer = SIPConnectionTable.Peer(
            address: address, secure: transport == .tls, checkedFor: transport == .tls ? endpoint.serverName : nil)
        connections.connection(to: peer, on: loop) {
            connect(to: address, transport: transport, serverName: endpoint.serverName, on: loop)
        }
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    write(bytes, on: channel, to: SIPEndpoint(transport: transport, address: address), batch: nil)
                case .failure(let error):
                    countSendFailure("cannot open a SIP connection to \(address): \(error)")
                    onUndeliverable(endpoint, bytes)
                }
            }
    }

    private func connect(
        to address: SocketAddress, transport: SIPEndpoint.Transport, serverName: String?, on loop: any EventLoop
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .connectTimeout(configuration.tcpConnectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try configureStream(channel, transport: transport, accepted: false, serverName: serverName)
                }
            }
            .connect(to: address)
    }
}
