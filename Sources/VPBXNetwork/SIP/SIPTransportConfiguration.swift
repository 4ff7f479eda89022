import Logging
import NIOCore
import VPBXSIP

/// How a ``SIPTransport`` listens.
public struct SIPTransportConfiguration: Sendable {
    /// The address UDP and TCP listen on.
    public var host: String
    /// The port UDP and TCP listen on; 0 lets the kernel choose (tests), read it back with
    /// ``SIPTransport/localPort``.
    public var port: Int
    /// Bounds on accepted messages (a datagram, a TCP frame).
    public var limits: SIPParserLimits
    /// How many UDP sockets share the port (SO_REUSEPORT), one per event loop when `nil`, so
    /// the kernel spreads peers over the loops and parsing runs on all cores.
    public var udpSocketCount: Int?
    /// A TCP connection that carried nothing (not even a keep-alive) for this long is closed.
    /// Ten minutes outlives the RFC 5626 keep-alive interval (about two minutes) with margin.
    public var tcpIdleTimeout: TimeAmount
    /// TCP connections open at once (incoming and outbound together) beyond which a new
    /// incoming one is closed as soon as it is accepted: a flood of connections (each holds a descriptor until it idles out) cannot
    /// take the descriptors RTP needs. Kamailio's `tcp_max_connections` is 2048.
    public var maximumTCPConnections: Int
    /// How long an outbound TCP connect may take before the send counts as failed.
    public var tcpConnectTimeout: TimeAmount
    /// Requested socket buffer sizes (the kernel caps them at net.core.rmem_max / wmem_max).
    public var socketBufferBytes: Int
    /// SIP over TLS on a port of its own (5061 by convention), if set.
    public var tls: SIPTLSConfiguration?
    /// A PEM file of the CA certificates that sign the certificates of TLS servers the engine
    /// checks (trunks, ``SIPEndpoint/serverName``); nil: the system's CAs.
    public var tlsTrustRoots: String?
    public var logger: Logger

    public init(
        host: String = "0.0.0.0",
        port: Int = 5060,
        limits: SIPParserLimits = .default,
        udpSocketCount: Int? = nil,
        tcpIdleTimeout: TimeAmount = .minutes(10),
        tcpConnectTimeout: TimeAmount = .seconds(5),
        maximumTCPConnections: Int = 4096,
        socketBufferBytes: Int = 4 << 20,
        tls: SIPTLSConfiguration? = nil,
        tlsTrustRoots: String? = nil,
        logger: Logger = Logger(label: "vpbx.sip.transport")
    ) {
        self.tls = tls
        self.tlsTrustRoots = tlsTrustRoots
        self.host = host
        self.port = port
        self.limits = limits
        self.udpSocketCount = udpSocketCount
        self.tcpIdleTimeout = tcpIdleTimeout
        self.tcpConnectTimeout = tcpConnectTimeout
        self.maximumTCPConnections = maximumTCPConnections
        self.socketBufferBytes = socketBufferBytes
        self.logger = logger
    }
}
