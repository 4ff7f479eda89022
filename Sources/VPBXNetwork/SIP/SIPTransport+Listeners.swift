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
    /// UDP datagrams read per syscall (recvmmsg): a burst of requests is parsed and handed on
    /// together.
    static let datagramsPerRead = 16
    /// One `recvmmsg` per readiness event on a UDP socket. NIO reads until a call finds nothing,
    /// so with more, a call that did not fill its slots (the socket was drained) was followed by
    /// an empty one; epoll is level-triggered, so a burst longer than one read is read on the
    /// next loop turn.
    static let datagramReadsPerTick = 1
    /// Read calls per readiness event on a TCP connection.
    static let readsPerTick = 8
    /// A slot of the vector read holds the largest possible UDP datagram, so none is truncated.
    static let datagramSlotBytes = 65_536

    /// Binds `udpSocketCount` UDP sockets sharing one port, then TCP on that port. With port 0
    /// the kernel picks the UDP port, which might be taken for TCP: then try another.
    func bindListeners(core: SIPTransportCore) async throws -> (udp: [UDPListener], tcp: any Channel) {
        let loops = Array(group.makeIterator())
        guard !loops.isEmpty else { throw SIPTransportError.noEventLoops }
        let socketCount = max(1, configuration.udpSocketCount ?? loops.count)
        let attempts = configuration.port == 0 ? 5 : 1
        var lastError: any Error = SIPTransportError.noEventLoops
        for _ in 0..<attempts {
            var udp: [UDPListener] = []
            do {
                let first = try await bindUDP(on: loops[0], port: configuration.port, core: core)
                udp.append(first)
                let port = first.channel.localAddress?.port ?? configuration.port
                for index in 1..<socketCount {
                    udp.append(try await bindUDP(on: loops[index % loops.count], port: port, core: core))
                }
                let tcp = try await bindStreamListener(port: port, transport: .tcp, core: core)
                return (udp, tcp)
            } catch {
                lastError = error
                for listener in udp { await listener.close() }
            }
        }
        throw lastError
    }

    /// A UDP socket we create and bind ourselves (see ``UDPDirectSender``) and hand to NIO.
    private func bindUDP(on loop: any EventLoop, port: Int, core: SIPTransportCore) async throws -> UDPListener {
        let (socket, sender) = try UDPDirectSender.bindListeningSocket(host: configuration.host, port: port)
        do {
            let channel = try await udpBootstrap(on: loop, core: core).withBoundSocket(socket).get()
            await Self.forceReceiveBuffer(of: channel, to: configuration.socketBufferBytes)
            var status = stat()
            let inode = fstat(socket, &status) == 0 ? UInt64(status.st_ino) : nil
            return UDPListener(channel: channel, sender: sender, inode: inode)
        } catch {
            sender.close()
            throw error
        }
    }

    /// The receive buffer the kernel granted a UDP socket, in bytes of payload it holds (Linux
    /// reports twice what was set, the other half being its bookkeeping); nil when unreadable.
    static func receiveBufferBytes(of channel: any Channel) async -> Int? {
        guard let reported = try? await channel.getOption(.socketOption(.so_rcvbuf)).get() else { return nil }
        return Int(reported) / 2
    }

    /// `SO_RCVBUF` is capped at `net.core.rmem_max`, 208 KB on a stock Debian: about 400 SIP
    /// messages, a tenth of a second of input at a few thousand calls a second, after which
    /// the kernel drops whatever comes (answers, ACKs and BYEs as well as new INVITEs). With
    /// `CAP_NET_ADMIN` (root) `SO_RCVBUFFORCE` sets the size past the cap; without it the
    /// capped size stays and ``receiveBufferShortfall`` makes the start say so.
    private static func forceReceiveBuffer(of channel: any Channel, to bytes: Int) async {
        guard let granted = await receiveBufferBytes(of: channel), granted < bytes else { return }
        _ = try? await channel.setOption(.socketOption(.init(rawValue: SO_RCVBUFFORCE)), value: socketValue(bytes)).get()
    }

    private func udpBootstrap(on loop: any EventLoop, core: SIPTransportCore) -> DatagramBootstrap {
        DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_rcvbuf), value: socketValue(configuration.socketBufferBytes))
            .channelOption(.socketOption(.so_sndbuf), value: socketValue(configuration.socketBufferBytes))
            .channelOption(.maxMessagesPerRead, value: UInt(Self.datagramReadsPerTick))
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
    }

    /// The listener of TCP connections, or (`transport` .tls) of TLS ones.
    func bindStreamListener(port: Int, transport: SIPEndpoint.Transport, core: SIPTransportCore) async throws
        -> any Channel
    {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: UInt(Self.readsPerTick))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try core.acceptStream(channel, transport: transport) }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }
}

/// One listening UDP socket: NIO's channel reads it, the sender writes to it from other threads.
struct UDPListener: Sendable {
    let channel: any Channel
    let sender: UDPDirectSender
    /// The socket's inode, which names it in `/proc/net/udp` (for the kernel's drop count).
    let inode: UInt64?

    func close() async {
        try? await channel.close()
        sender.close()
    }
}

/// `SocketOptionValue` is `CInt`; this keeps the configuration's `Int` readable at call sites.
private func socketValue(_ value: Int) -> SocketOptionValue { SocketOptionValue(clamping: value) }
