import NIOCore

/// Where a SIP message came from or goes to: a transport and a remote socket address, plus for
/// TCP and TLS the connection it travelled on, so a response goes back on that same connection
/// (RFC 3261 §18.2.2) even if the peer has several open to us.
public struct SIPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The transport protocols this engine listens on.
    public enum Transport: String, Hashable, Sendable {
        case udp = "UDP"
        case tcp = "TCP"
        /// SIP over TLS over TCP (RFC 3261 §26.2.1, RFC 5630): a TCP connection whose bytes
        /// go through TLS, framed and used as TCP's.
        case tls = "TLS"

        /// Connection-oriented: messages travel on connections, framed by Content-Length.
        public var isStream: Bool { self != .udp }
    }

    public var transport: Transport
    /// The peer's address: the packet source for inbound messages, the target for outbound ones.
    public var address: SocketAddress
    /// For TCP, the connection a message arrived on; `nil` for UDP and for outbound targets that
    /// have no connection yet (the transport then reuses one to `address` or opens one).
    public var connection: SIPConnectionID?
    /// For an outbound TCP or TLS target that is a trunk's provider: its host as configured.
    /// Over TLS the name the certificate must carry (also sent as SNI), or the IP address
    /// connected to; the certificate must chain to a trusted CA
    /// (``SIPTransportConfiguration/tlsTrustRoots``). Over TCP and TLS, a connection opened
    /// for it that fails is reported (``SIPTransport/start(onMessage:onUndeliverable:onConnectionFailed:)``).
    /// Nil: a phone's (its TLS certificate not checked: self-signed on nearly every desk
    /// phone; see ``SIPTLSConfiguration``).
    public var serverName: String?

    public init(
        transport: Transport, address: SocketAddress, connection: SIPConnectionID? = nil, serverName: String? = nil
    ) {
        self.transport = transport
        self.address = address
        self.connection = transport.isStream ? connection : nil
        self.serverName = transport.isStream ? serverName : nil
    }

    /// A UDP peer.
    public static func udp(_ address: SocketAddress) -> SIPEndpoint {
        SIPEndpoint(transport: .udp, address: address)
    }

    /// A TCP peer, optionally pinned to one connection.
    public static func tcp(_ address: SocketAddress, connection: SIPConnectionID? = nil) -> SIPEndpoint {
        SIPEndpoint(transport: .tcp, address: address, connection: connection)
    }

    /// A TLS peer, optionally pinned to one connection.
    public static func tls(_ address: SocketAddress, connection: SIPConnectionID? = nil) -> SIPEndpoint {
        SIPEndpoint(transport: .tls, address: address, connection: connection)
    }

    public var description: String {
        let connectionText = connection.map { "#\($0.rawValue)" } ?? ""
        return "\(transport.rawValue):\(address)\(connectionText)"
    }
}

/// Opaque identity of one TCP or TLS connection, unique for the lifetime of a transport (never reused,
/// unlike a file descriptor or an object address).
public struct SIPConnectionID: Hashable, Sendable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }
}
