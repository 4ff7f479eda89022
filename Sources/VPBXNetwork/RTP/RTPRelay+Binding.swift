import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension RTPRelay {
    /// Binds both sides' sockets on `loop` and installs their forwarding handlers. On failure
    /// nothing stays open or reserved.
    func bindSockets(host: String, on loop: any EventLoop) async throws -> RelaySockets {
        let a = try await self.bindPair(host: host, on: loop)
        let b: RelaySocketPair
        do {
            b = try await self.bindPair(host: host, on: loop)
        } catch {
            await self.closeAndRelease([a.rtp, a.rtcp], ports: [a.port])
            throw error
        }
        do {
            let forwarders = try await loop.submit {
                NIOLoopBound(try RelayForwarders.install(a: a, b: b), eventLoop: loop)
            }.get()
            return try await self.registerWithPoller(
                RelaySockets(a: a, b: b, forwarders: forwarders, poller: nil, group: nil))
        } catch {
            await self.closeAndRelease([a.rtp, a.rtcp, b.rtp, b.rtcp], ports: [a.port, b.port])
            throw error
        }
    }

    /// Reserves a port pair and binds RTP and RTCP on it. A port that another process holds
    /// (`EADDRINUSE` on either socket) is given back and the next one tried, until every pair of
    /// the range has been tried once.
    func bindPair(host: String, on loop: any EventLoop) async throws -> RelaySocketPair {
        var busy = 0
        for _ in 0..<self.pool.capacity {
            let port = try self.pool.reserve()
            var rtp: (channel: any Channel, sender: LoopDirectSender)?
            do {
                rtp = try await self.bindSocket(host: host, port: port, on: loop)
                let rtcp = try await self.bindSocket(host: host, port: port + 1, on: loop)
                return RelaySocketPair(
                    port: port, rtp: rtp!.channel, rtcp: rtcp.channel, rtpSender: rtp!.sender, rtcpSender: rtcp.sender)
            } catch {
                await self.closeAndRelease(rtp.map { [$0.channel] } ?? [], ports: [port])
                guard Self.isAddressInUse(error) else { throw error }
                busy += 1
                self.logger.debug("RTP port pair busy, trying the next", metadata: ["port": "\(port)"])
            }
        }
        throw RTPRelayError(
            .portsExhausted,
            "no free RTP port pair in \(self.pool.firstPort)-\(self.pool.lastPort + 1) on \(host): "
                + "\(busy) pairs are held by other processes and \(self.pool.inUseCount) by vpbx; "
                + "widen the configured RTP port range or stop what holds the ports"
        )
    }

    /// Binds one socket ourselves and hands it to NIO, keeping a direct sender on it.
    private func bindSocket(
        host: String, port: Int, on loop: any EventLoop
    ) async throws -> (channel: any Channel, sender: LoopDirectSender) {
        // No SO_REUSEADDR: on UDP it would let two sockets share a port, which is exactly what
        // the pool must detect and skip.
        let socket = try UDPSocketBinding.make(host: host, port: port, sharingThePort: false)
        // A vector read splits one receive buffer evenly between its slots, so the buffer must
        // hold `vectorReadMessageCount` whole datagrams, or every packet arrives cut short.
        let slots = max(1, self.configuration.vectorReadMessageCount)
        let allocator = FixedSizeRecvByteBufferAllocator(capacity: slots * self.configuration.maxDatagramSize)
        var bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(self.configuration.receiveBufferSize))
            .channelOption(.maxMessagesPerRead, value: self.configuration.maxMessagesPerRead)
            .channelOption(.recvAllocator, value: allocator)
        if slots > 1 {
            bootstrap = bootstrap.channelOption(
                .datagramVectorReadMessageCount,
                value: slots
            )
        }
        // NIO owns the descriptor from here and closes it with the channel.
        let channel = try await bootstrap.withBoundSocket(socket).get()
        return (channel, LoopDirectSender(descriptor: socket, channel: channel))
    }

    /// Hands a new socket set to the poller (reading and dropping until a session attaches),
    /// with NIO's reading of it turned off.
    private func registerWithPoller(_ sockets: RelaySockets) async throws -> RelaySockets {
        guard let poller = self.pickPoller() else { return sockets }
        let descriptors = [sockets.a.rtpSender, sockets.a.rtcpSender, sockets.b.rtpSender, sockets.b.rtcpSender].map {
            $0?.descriptor ?? -1
        }
        let group = RelayPoller.Group(descriptors: descriptors)
        let registered = RelaySockets(a: sockets.a, b: sockets.b, forwarders: sockets.forwarders, poller: poller, group: group)
        try await sockets.a.rtp.eventLoop.submit { registered.setReading(false) }.get()
        poller.send(.register(group))
        return registered
    }

    /// Closes a session's socket set once the poller has let go of it, and gives its ports back.
    func closeAndRelease(_ sockets: RelaySockets) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            sockets.unregister { continuation.resume() }
        }
        await self.closeAndRelease(sockets.all, ports: [sockets.a.port, sockets.b.port])
    }

    /// Closes `channels` (ignoring ones already closed) and then gives `ports` back, so a
    /// released port can be bound again at once.
    func closeAndRelease(_ channels: [any Channel], ports: [Int]) async {
        for channel in channels {
            try? await channel.close()
        }
        for port in ports { self.pool.release(port) }
    }

    static func isAddressInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }
}
