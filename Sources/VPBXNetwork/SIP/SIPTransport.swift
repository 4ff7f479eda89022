import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import VPBXSIP

/// SIP over UDP and TCP on one address and port (RFC 3261 §18), and over TLS on a port of its
/// own when configured (§26.2.1).
///
/// Messages are parsed on the event loop that read them and handed to `onMessage` right there:
/// the callback must not block (hand the message to an actor or a stream and return). Requests
/// arrive with their top Via stamped with `received`/`rport`; malformed requests are answered
/// `400` by the transport itself and never reach the callback.
public final class SIPTransport: Sendable {
    private struct Running {
        var core: SIPTransportCore
        var udp: [UDPListener]
        var tcp: any Channel
        var tls: (any Channel)?
    }

    private enum State {
        case idle
        case starting
        case running(Running)
        case stopped
    }

    let group: any EventLoopGroup
    let configuration: SIPTransportConfiguration
    private let counters = SIPTransportCounters()
    private let state = NIOLockedValueBox(State.idle)
    private let handOff = Atomic<Bool>(false)

    /// Whether ``send(_:to:)`` from other threads leaves UDP datagrams to the socket's event
    /// loop (one hand-off per burst) instead of sending them on the caller's thread. The PBX
    /// core turns it on while it is behind: on loopback a `sendto` also delivers the datagram
    /// into the receiver, a fifth of the core thread's time at 3,000 calls/s, and the loops
    /// have CPU to spare then; at lower rates the hand-off's wake-up costs more than it saves.
    public var sendsFromEventLoops: Bool {
        get { handOff.load(ordering: .relaxed) }
        set { handOff.store(newValue, ordering: .relaxed) }
    }

    public init(group: any EventLoopGroup, configuration: SIPTransportConfiguration = SIPTransportConfiguration()) {
        self.group = group
        self.configuration = configuration
    }

    /// The port UDP and TCP listen on, once started.
    public var localPort: Int? {
        guard case .running(let running) = state.withLockedValue({ $0 }) else { return nil }
        return running.udp.first?.channel.localAddress?.port
    }

    /// The port TLS listens on, once started with it.
    public var localTLSPort: Int? {
        guard case .running(let running) = state.withLockedValue({ $0 }) else { return nil }
        return running.tls?.localAddress?.port
    }

    /// The UDP listeners while running; empty otherwise.
    func runningUDPListeners() -> [UDPListener] {
        guard case .running(let running) = state.withLockedValue({ $0 }) else { return [] }
        return running.udp
    }

    /// The receive buffer of the (first) UDP socket, in bytes, once started.
    func udpReceiveBufferBytes() async -> Int? {
        guard let first = runningUDPListeners().first else { return nil }
        return await Self.receiveBufferBytes(of: first.channel)
    }

    /// What to tell the administrator when the kernel granted the UDP socket a smaller receive
    /// buffer than asked for (nil when it did not): bursts the buffer cannot hold are dropped.
    static func receiveBufferShortfall(granted: Int, requested: Int) -> String? {
        guard granted < requested else { return nil }
        return "the SIP UDP receive buffer is \(granted / 1024) KB, not the \(requested / 1024) KB asked for "
            + "(net.core.rmem_max caps it without root): datagrams beyond it are dropped in bursts; "
            + "raise it with 'sysctl -w net.core.rmem_max=\(requested)'"
    }

    /// Counters since start, over both transports.
    public var statistics: SIPTransportStatistics { counters.snapshot }

    /// Binds the UDP sockets and the TCP listener; every message received afterwards goes to
    /// `onMessage`, called on the event loop that read it. `onUndeliverable` gets the bytes of
    /// a message sent over TCP or TLS that never went out: no connection to its destination
    /// could be opened (refused, timed out, a TLS server's certificate refused) or the
    /// connection failed under it; the failure is counted and logged besides.
    /// `onConnectionFailed` names a TCP or TLS connection opened to a trunk
    /// (``SIPEndpoint/serverName``) that ended in an error after its requests went out: a
    /// provider refusing the engine's certificate (TLS 1.3 says so only after the client's
    /// handshake is done) or resetting the connection; nothing will answer what was sent on
    /// it. A connection closed in order (FIN) is not reported: RFC 3261 §18.2.2 lets a server
    /// answer over a new connection.
    public func start(
        onMessage: @escaping @Sendable (InboundSIPMessage) -> Void,
        onUndeliverable: @escaping @Sendable (SIPEndpoint, [UInt8]) -> Void = { _, _ in },
        onConnectionFailed: @escaping @Sendable (SIPEndpoint) -> Void = { _ in }
    ) async throws {
        try state.withLockedValue { state in
            guard case .idle = state else { throw SIPTransportError.alreadyStarted }
            state = .starting
        }
        do {
            // The engine's certificate, read once: for phones' connections and providers'.
            let settings = configuration.tls
            let identity = try settings?.loadIdentity()
            let tlsContexts = try identity.flatMap { identity in try settings?.makeContexts(identity) }
            let serverCheck = try SIPTLSServerCheck(trustRoots: configuration.tlsTrustRoots, identity: identity)
            let core = SIPTransportCore(
                configuration: configuration, group: group, counters: counters, tls: tlsContexts,
                serverCheck: serverCheck, onMessage: onMessage, onUndeliverable: onUndeliverable,
                onConnectionFailed: onConnectionFailed)
            let (udp, tcp) = try await bindListeners(core: core)
            var tls: (any Channel)?
            do {
                if let settings = configuration.tls {
                    tls = try await bindStreamListener(port: settings.port, transport: .tls, core: core)
                }
            } catch {
                for listener in udp { await listener.close() }
                try? await tcp.close()
                throw error
            }
            let stoppedMeanwhile = state.withLockedValue { state in
                guard case .starting = state else { return true }
                state = .running(Running(core: core, udp: udp, tcp: tcp, tls: tls))
                return false
            }
            if stoppedMeanwhile {
                // stop() ran while we were binding: it had nothing to close, so close here.
                for listener in udp { await listener.close() }
                try? await tcp.close()
                try? await tls?.close()
                return
            }
            configuration.logger.info("SIP listening on UDP and TCP \(configuration.host):\(udp.first?.channel.localAddress?.port ?? 0)")
            if let port = tls?.localAddress?.port {
                configuration.logger.info("SIP listening on TLS \(configuration.host):\(port)")
            }
            if let first = udp.first, let granted = await Self.receiveBufferBytes(of: first.channel),
                let warning = Self.receiveBufferShortfall(granted: granted, requested: configuration.socketBufferBytes)
            {
                configuration.logger.warning("\(warning)")
            }
        } catch {
            state.withLockedValue { $0 = .idle }
            throw error
        }
    }

    /// Reads the TLS certificate and key files again (a renewed certificate): connections made
    /// from now on use them, open ones keep theirs. Throws, the old ones staying, when the
    /// files cannot be used, or when the transport runs without TLS.
    public func reloadTLSCertificate() throws {
        guard let settings = configuration.tls, let running = runningState() else {
            throw SIPTransportError.tlsNotConfigured
        }
        let identity = try settings.loadIdentity()
        let contexts = try settings.makeContexts(identity)
        let serverCheck = try SIPTLSServerCheck(trustRoots: configuration.tlsTrustRoots, identity: identity)
        running.core.replaceTLS(contexts, serverCheck: serverCheck)
        configuration.logger.notice("SIP over TLS: certificate reloaded from \(settings.certificateFile)")
    }

    /// Closes the listeners and every TCP connection. Sends afterwards count as failures.
    public func stop() async {
        let running: Running? = state.withLockedValue { state in
            defer { state = .stopped }
            if case .running(let running) = state { return running }
            return nil
        }
        guard let running else { return }
        let channels = [running.tcp] + (running.tls.map { [$0] } ?? []) + running.core.connections.removeAll()
        for channel in channels { try? await channel.close() }
        for listener in running.udp { await listener.close() }
    }

    /// Makes the next `count` direct UDP sends fail as a full send buffer would (tests only).
    func refuseNextDirectSendsForTesting(_ count: Int) {
        runningState()?.udp.forEach { $0.sender.refuseNextSendsForTesting(count) }
    }

    /// The event loop that sends UDP datagrams to `address` (tests only).
    func udpLoopForTesting(to address: SocketAddress) -> (any EventLoop)? {
        runningState().map { udpSocket(of: $0, for: address).channel.eventLoop }
    }

    /// Sends a request (or a response the caller addressed itself), fire-and-forget: failures
    /// are counted in ``statistics`` and logged. Over TCP it reuses the endpoint's connection or
    /// any open one to its address, else connects.
    public func send(_ message: SIPMessage, to endpoint: SIPEndpoint) {
        send(serialized: message.serialized(), to: endpoint)
    }

    /// As ``send(_:to:)``, for a message already serialized (one kept to be sent again).
    public func send(serialized bytes: [UInt8], to endpoint: SIPEndpoint) {
        guard let running = runningState() else {
            counters.update { $0.sendFailures += 1 }
            configuration.logger.warning("cannot send to \(endpoint): the SIP transport is not running")
            return
        }
        switch endpoint.transport {
        case .udp:
            let listener = udpSocket(of: running, for: endpoint.address)
            running.core.write(
                bytes, on: listener.channel, to: endpoint, batch: nil, direct: listener.sender, handOff: sendsFromEventLoops)
        case .tcp, .tls:
            running.core.sendStream(bytes, to: endpoint)
        }
    }

    /// Keeps the TCP connection a message arrived on open, however idle, for `duration` (a
    /// longer hold already set stays): the registrar's, for a phone registered on it, which
    /// behind NAT can be called only through that connection. Nothing for UDP, for an endpoint
    /// without a connection, or one already closed.
    public func holdConnection(of endpoint: SIPEndpoint, for duration: TimeAmount) {
        guard endpoint.transport.isStream, let connection = endpoint.connection, let running = runningState() else { return }
        running.core.connections.hold(connection, until: .now() + duration)
    }

    /// Ends ``holdConnection(of:for:)``'s hold at once: the connection is closed once it has
    /// been idle for the idle timeout, like one nobody registered on. Not closed here: the
    /// phone may still be using it.
    public func releaseConnection(of endpoint: SIPEndpoint) {
        guard endpoint.transport.isStream, let connection = endpoint.connection, let running = runningState() else { return }
        running.core.connections.release(connection)
    }

    /// Whether the stream connection `id` is open: requests for a phone registered on it
    /// can still reach it that way.
    public func isConnectionOpen(_ id: SIPConnectionID) -> Bool {
        guard let running = runningState(), let channel = running.core.connections.channel(for: id) else { return false }
        return channel.isActive
    }

    /// Runs `body` and sends the UDP datagrams ``send(_:to:)`` was given from other threads
    /// meanwhile when it returns: one `sendmmsg` per socket (on this thread, or from the
    /// socket's loop with ``sendsFromEventLoops``) instead of a system call each. For the PBX
    /// core, around each batch of its input: a reply waits at most for the rest of the batch,
    /// or until ``SIPDatagramGatherer/limit`` datagrams wait (then they go at once). Responses
    /// from the loops themselves and TCP are not held.
    public func gatheringSends(_ body: () -> Void) {
        guard let running = runningState() else { return body() }
        running.core.gatherer.begin()
        defer { running.core.endGathering(handOff: sendsFromEventLoops) }
        body()
    }

    /// Sends a response to an inbound request (RFC 3261 §18.2.2, RFC 3581 §4).
    ///
    /// TCP: on the connection the request came on; if it has closed, on a new connection to the
    /// request's source address. UDP: to the packet's source address *and source port* (the
    /// `received`/`rport` values), whether or not the client asked for rport. Replying to the
    /// Via sent-by port instead is what RFC 3261 prescribes without rport, but behind NAT that
    /// port is unreachable, while a client that listens on its sent-by port almost always sends
    /// from it too, so the source port works for both. The response leaves through the socket
    /// the request arrived on, so its source address is the one the client sent to.
    public func sendResponse(_ response: SIPResponse, for request: InboundSIPMessage) {
        guard let running = runningState() else {
            counters.update { $0.sendFailures += 1 }
            configuration.logger.warning("cannot answer \(request.source): the SIP transport is not running")
            return
        }
        let bytes = response.serialized()
        switch request.source.transport {
        case .udp:
            let listener = running.udp.first { $0.channel === request.channel }
            running.core.write(
                bytes, on: request.channel, to: request.source, batch: request.batch, direct: listener?.sender,
                handOff: sendsFromEventLoops)
        case .tcp where request.channel.isActive, .tls where request.channel.isActive:
            running.core.write(bytes, on: request.channel, to: request.source, batch: request.batch)
        case .tcp, .tls:
            running.core.sendStream(bytes, to: SIPEndpoint(transport: request.source.transport, address: request.source.address))
        }
    }

    private func runningState() -> Running? {
        state.withLockedValue { state in
            if case .running(let running) = state { return running }
            return nil
        }
    }

    /// The socket on the caller's event loop if there is one (no thread hop), else one chosen by
    /// the peer's address, so datagrams to one peer leave in order from one socket.
    private func udpSocket(of running: Running, for address: SocketAddress) -> UDPListener {
        if let local = running.udp.first(where: { $0.channel.eventLoop.inEventLoop }) { return local }
        let index = Int(UInt(bitPattern: address.hashValue) % UInt(running.udp.count))
        return running.udp[index]
    }
}

extension SIPTransport {
    /// Open TCP connections (accepted and outbound), for monitoring.
    public var connectionCount: Int { runningState()?.core.connections.count ?? 0 }

    /// The open TCP connection `id` (for tests that look at its socket).
    func channel(of id: SIPConnectionID) -> (any Channel)? { runningState()?.core.connections.channel(for: id) }
}
