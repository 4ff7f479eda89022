import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VPBXSIP

@testable import VPBXNetwork

/// A transport on 127.0.0.1, kernel-chosen port, whose callback answers every request 200
/// (unless told otherwise) and records everything it received.
final class TransportHarness: Sendable {
    let transport: SIPTransport
    private let inbox = NIOLockedValueBox<[InboundSIPMessage]>([])
    private let undelivered = NIOLockedValueBox<[(SIPEndpoint, [UInt8])]>([])

    var port: Int { transport.localPort ?? 0 }
    var received: [InboundSIPMessage] { inbox.withLockedValue { $0 } }
    /// What the transport reported it could not send (`onUndeliverable`), in order.
    var undeliverable: [(endpoint: SIPEndpoint, bytes: [UInt8])] { undelivered.withLockedValue { $0 } }

    private init(transport: SIPTransport) {
        self.transport = transport
    }

    /// - Parameter responder: answers instead of the plain 200, called on the loop that read the
    ///   request.
    static func start(
        limits: SIPParserLimits = .default, idleTimeout: TimeAmount = .minutes(1), maximumTCPConnections: Int = 4096,
        tls: SIPTLSConfiguration? = nil, tlsTrustRoots: String? = nil,
        answer: Bool = true, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        responder: (@Sendable (SIPTransport, InboundSIPMessage) -> Void)? = nil
    ) async throws -> TransportHarness {
        var configuration = SIPTransportConfiguration(
            host: "127.0.0.1", port: 0, limits: limits, udpSocketCount: 2, tcpIdleTimeout: idleTimeout,
            maximumTCPConnections: maximumTCPConnections, tls: tls, tlsTrustRoots: tlsTrustRoots)
        configuration.logger.logLevel = .error  // failures are asserted, not read from logs
        let harness = TransportHarness(
            transport: SIPTransport(group: group, configuration: configuration))
        try await harness.transport.start(
            onMessage: { [harness] inbound in
                harness.inbox.withLockedValue { $0.append(inbound) }
                if let responder {
                    responder(harness.transport, inbound)
                    return
                }
                guard answer, let request = inbound.request, request.method != .ack else { return }
                harness.transport.sendResponse(SIPResponse(to: request, status: 200, toTag: "t1"), for: inbound)
            },
            onUndeliverable: { [harness] endpoint, bytes in
                harness.undelivered.withLockedValue { $0.append((endpoint, bytes)) }
            })
        return harness
    }

    func waitForMessages(_ count: Int, timeout: Duration = waitLimit) async throws -> [InboundSIPMessage] {
        try await eventually(timeout: timeout, "\(count) messages at the transport") { self.received.count >= count }
        return received
    }

    func stop() async { await transport.stop() }
}

/// An OPTIONS request as a phone would send it, Via sent-by `viaHost:viaPort`.
func optionsText(
    branch: String = "z9hG4bK-\(UInt32.random(in: 0...UInt32.max))", viaHost: String = "127.0.0.1", viaPort: Int,
    transport: String = "UDP", rport: Bool = true, cseq: String = "1 OPTIONS", callID: String = "call-1"
) -> String {
    "OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/\(transport) \(viaHost):\(viaPort);branch=\(branch)\(rport ? ";rport" : "")\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
        + "To: <sip:pbx@127.0.0.1>\r\n"
        + "Call-ID: \(callID)\r\n"
        + "CSeq: \(cseq)\r\n"
        + "Content-Length: 0\r\n\r\n"
}

func optionsBytes(viaPort: Int, transport: String = "UDP", rport: Bool = true, cseq: String = "1 OPTIONS", callID: String = "call-1") -> [UInt8] {
    Array(optionsText(viaPort: viaPort, transport: transport, rport: rport, cseq: cseq, callID: callID).utf8)
}

/// The response a test client got, parsed.
func parseResponse(_ bytes: [UInt8]) throws -> SIPResponse {
    guard case .response(let response) = try SIPParser().parse(bytes) else {
        throw TimedOut(description: "expected a response, got a request")
    }
    return response
}

func localhost(_ port: Int) throws -> SocketAddress {
    try SocketAddress(ipAddress: "127.0.0.1", port: port)
}
