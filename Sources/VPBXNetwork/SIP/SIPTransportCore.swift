import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import VPBXSIP

/// What every socket handler of one running transport shares: the ingress rules, the counters,
/// the callback and the TCP connections. Handlers call it on their own event loop, so parsing
/// runs on all loops in parallel; nothing here hops threads.
final class SIPTransportCore: Sendable {
    let configuration: SIPTransportConfiguration
    let group: any EventLoopGroup
    let ingress: SIPIngress
    let counters: SIPTransportCounters
    let connections = SIPConnectionTable()
    let outbox: SIPSendCoalescer
    let gatherer = SIPDatagramGatherer()
    let onMessage: @Sendable (InboundSIPMessage) -> Void
    /// A stream message that never went out (``SIPTransport/start(onMessage:onUndeliverable:)``).
    let onUndeliverable: @Sendable (SIPEndpoint, [UInt8]) -> Void
    /// A checked TLS connection ended in an error
    /// (``SIPTransport/start(onMessage:onUndeliverable:onConnectionFailed:)``).
    let onConnectionFailed: @Sendable (SIPEndpoint) -> Void
    /// For SIP over TLS, when configured: accepted connections' and outbound ones'. A
    /// reloaded certificate replaces them for the connections made afterwards.
    private let tlsContexts: NIOLockedValueBox<(server: NIOSSLContext, client: NIOSSLContext)?>
    var tls: (server: NIOSSLContext, client: NIOSSLContext)? { tlsContexts.withLockedValue { $0 } }
    /// For TLS connections to servers whose certificate is checked (trunks); replaced with a
    /// reloaded certificate, which it presents to providers that ask for one.
    private let serverCheckBox: NIOLockedValueBox<SIPTLSServerCheck>
    var serverCheck: SIPTLSServerCheck { serverCheckBox.withLockedValue { $0 } }

    func replaceTLS(_ contexts: (server: NIOSSLContext, client: NIOSSLContext), serverCheck: SIPTLSServerCheck) {
        tlsContexts.withLockedValue { $0 = contexts }
        serverCheckBox.withLockedValue { $0 = serverCheck }
    }

    var logger: Logger { configuration.logger }

    init(
        configuration: SIPTransportConfiguration, group: any EventLoopGroup, counters: SIPTransportCounters,
        tls: (server: NIOSSLContext, client: NIOSSLContext)? = nil, serverCheck: SIPTLSServerCheck,
        onMessage: @escaping @Sendable (InboundSIPMessage) -> Void,
        onUndeliverable: @escaping @Sendable (SIPEndpoint, [UInt8]) -> Void = { _, _ in },
        onConnectionFailed: @escaping @Sendable (SIPEndpoint) -> Void = { _ in }
    ) {
        self.onUndeliverable = onUndeliverable
        self.onConnectionFailed = onConnectionFailed
        self.configuration = configuration
        self.serverCheckBox = NIOLockedValueBox(serverCheck)
        self.tlsContexts = NIOLockedValueBox(tls)
        self.group = group
        self.ingress = SIPIngress(limits: configuration.limits)
        self.counters = counters
        self.onMessage = onMessage
        let logger = configuration.logger
        self.outbox = SIPSendCoalescer { [counters] size, address, error in
            counters.update { $0.sendFailures += 1 }
            logger.warning("sending \(size) bytes to udp:\(address) failed: \(error)")
        }
    }

    /// Handles one datagram or TCP frame. Returns `false` when a TCP connection must close
    /// (an oversized message: the stream can no longer be trusted).
    func receive(_ bytes: [UInt8], from source: SIPEndpoint, channel: any Channel, batch: SIPReadBatch) -> Bool {
        switch ingress.process(bytes, from: source.address) {
        case .keepAlive:
            counters.update { $0.keepAlives += 1 }
            return true
        case .deliver(let message):
            counters.update {
                $0.messagesReceived += 1
                $0.messagesParsed += 1
            }
            let inbound = InboundSIPMessage(
                message: message, source: source, localAddress: channel.localAddress, receivedAt: .now(),
                channel: channel, batch: batch)
            onMessage(inbound)
            return true
        case .answer(let response, let error):
            counters.update {
                $0.messagesReceived += 1
                if error.kind == .tooLarge { $0.tooLarge += 1 } else { $0.badRequestsAnswered += 1 }
            }
            logger.debug("answering \(response.statusCode) to \(source): \(error.message)")
            write(response.serialized(), on: channel, to: source, batch: batch)
            return true
        case .drop(let error):
            counters.update {
                $0.messagesReceived += 1
                if error.kind == .tooLarge { $0.tooLarge += 1 } else { $0.droppedUnparseable += 1 }
            }
            logger.debug("dropping \(bytes.count) bytes from \(source): \(error.message)")
            return error.kind != .tooLarge
        }
    }

    /// Writes `bytes` on `channel` (a UDP socket addressed to `endpoint`, or a TCP connection).
    /// Inside an open read batch on its own loop the write waits for the batch's flush. From
    /// another thread a UDP datagram joins an open gathering (``SIPDatagramGatherer``), else
    /// goes out through `direct` right there when it can, or
    /// with `handOff` from the channel's loop (one task per burst, see ``SIPSendCoalescer``);
    /// everything else goes to the loop in one task per burst.
    func write(
        _ bytes: [UInt8], on channel: any Channel, to endpoint: SIPEndpoint, batch: SIPReadBatch?,
        direct: UDPDirectSender? = nil, handOff: Bool = false
    ) {
        if endpoint.transport == .udp, let direct, !channel.eventLoop.inEventLoop {
            let datagram = OutgoingDatagram(bytes: bytes, address: endpoint.address)
            switch gatherer.add(.init(channel: channel, sender: direct, datagram: datagram)) {
            case .held: return
            case .full(let entries):
                send(gathered: entries, handOff: handOff)
                return
            case .notGathered: break
            }
            // While handed-off datagrams are still on their way this one follows them: sent
            // now it would overtake them (a 200 before its 180, a BYE before its ACK).
            if handOff || !outbox.isIdle(for: channel) {
                outbox.send(.direct(datagram, sender: direct), on: channel, promise: nil)
                return
            }
            if direct.send(bytes, to: endpoint.address) { return }
        }
        let buffer = channel.allocator.buffer(bytes: bytes)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { [counters, logger, onUndeliverable] error in
            counters.update { $0.sendFailures += 1 }
            logger.warning("sending \(bytes.count) bytes to \(endpoint) failed: \(error)")
            if endpoint.transport.isStream { onUndeliverable(endpoint, bytes) }
        }
        let flushNow = !(batch?.isOpenHere ?? false)
        if !channel.eventLoop.inEventLoop {
            // From the core's threads: share one wake-up of the loop with the other sends.
            switch endpoint.transport {
            case .udp:
                outbox.send(.datagram(AddressedEnvelope(remoteAddress: endpoint.address, data: buffer)), on: channel, promise: promise)
            case .tcp, .tls:
                outbox.send(.stream(buffer), on: channel, promise: promise)
            }
            return
        }
        switch endpoint.transport {
        case .udp:
            let envelope = AddressedEnvelope(remoteAddress: endpoint.address, data: buffer)
            if flushNow { channel.writeAndFlush(envelope, promise: promise) } else { channel.write(envelope, promise: promise) }
        case .tcp, .tls:
            if flushNow { channel.writeAndFlush(buffer, promise: promise) } else { channel.write(buffer, promise: promise) }
        }
    }

    /// Sends what was gathered since the outermost ``SIPDatagramGatherer/begin()``: per socket
    /// one `sendmmsg` on this thread, or, with `handOff` or while earlier hand-offs to that
    /// socket's loop are still on their way, all of them to the loop (the rules of `write`).
    /// What a full send buffer refuses follows through the loop, in order.
    func endGathering(handOff: Bool) {
        send(gathered: gatherer.end(), handOff: handOff)
    }

    private func send(gathered: [SIPDatagramGatherer.Entry], handOff: Bool) {
        guard !gathered.isEmpty else { return }
        for run in SIPDatagramGatherer.Entry.runsBySocket(gathered) {
            var sent = 0
            if !handOff && outbox.isIdle(for: run.channel) { sent = run.sender.send(run.datagrams[...]) }
            for datagram in run.datagrams[sent...] {
                outbox.send(.direct(datagram, sender: run.sender), on: run.channel, promise: nil)
            }
        }
    }

    func countSendFailure(_ reason: String) {
        counters.update { $0.sendFailures += 1 }
        logger.warning("\(reason)")
    }
}
