import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SIPTransport {
    /// UDP datagrams read per syscall (recvmmsg) and read calls per event-loop tick: a burst of
    /// requests is parsed and answered with one flush.
    static let datagramsPerRead = 16
    static let readsPerTick = 8
    /// A slot of the vector read holds the largest possible UDP datagram, so none is truncated.
    static let datagramSlotBytes = 65_536

    /// Binds `udpSocketCount` UDP sockets sharing one port, then TCP on that port. With port 0
    /// the kernel picks the UDP port, which might be taken for TCP: then try another.
    func bindListeners(core: SIPTransportCore) async throws -> (udp: [any Channel], tcp: any Channel) {
        let loops = Array(group.makeIterator())
        guard !loops.isEmpty else { throw SIPTransportError.noEventLoops }
        let socketCount = max(1, configuration.udpSocketCount ?? loops.count)
        let attempts = configuration.port == 0 ? 5 : 1
        var lastError: any Error = SIPTransportError.noEventLoops
        for _ in 0..<attempts {
            var udp: [any Channel] = []
            do {
                let first = try await bindUDP(on: loops[0], port: configuration.port, core: core)
                udp.append(first)
                let port = first.localAddress?.port ?? configuration.port
                for index in 1..<socketCount {
                    udp.append(try await bindUDP(on: loops[index % loops.count], port: port, core: core))
                }
                let tcp = try await bindTCP(port: port, core: core)
                return (udp, tcp)
            } catch {
                lastError = error
                for channel in udp { try? await channel.close() }
            }
        }
        throw lastError
    }

    private func bindUDP(on loop: any EventLoop, port: Int, core: SIPTransportCore) async throws -> any Channel {
        try await DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: socketValue(configuration.socketBufferBytes))
            .channelOption(.socketOption(.so_sndbuf), value: socketValue(configuration.socketBufferBytes))
            .channelOption(.maxMessagesPerRead, value: UInt(Self.readsPerTick))
            .channelOption(.datagramVectorReadMessageCount, value: Self.datagramsPerRead)
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(capacity: Self.datagramsPerRead * Self.datagramSlotBytes)
            )
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(core: core))
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }

    private func bindTCP(port: Int, core: SIPTransportCore) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: UInt(Self.readsPerTick))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try core.configureStream(channel) }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }
}

/// `SocketOptionValue` is `CInt`; this keeps the configuration's `Int` readable at call sites.
private func socketValue(_ value: Int) -> SocketOptionValue { SocketOptionValue(clamping: value) }
