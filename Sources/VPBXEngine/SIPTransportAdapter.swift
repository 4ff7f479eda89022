import NIOCore
import VPBXNetwork
import VPBXPBX
import VPBXSIP

/// Connects the PBX core's transport-neutral view of peers to the NIO SIP transport.
struct SIPTransportAdapter: SIPOutbound {
    let transport: SIPTransport
    /// The engine's own applications, reached in process (docs/applications.md).
    let applications: ApplicationMailbox

    func send(_ message: SIPMessage, to destination: SIPPeerAddress) {
        if destination.host == Application.host {
            applications.deliver(message)
            return
        }
        guard let endpoint = Self.endpoint(of: destination) else { return }
        transport.send(message, to: endpoint)
    }

    func send(_ message: SerializedSIPMessage, to destination: SIPPeerAddress) {
        if destination.host == Application.host {
            // Applications take messages; they are rarely the peer of a kept message.
            if let parsed = try? message.parsed() { applications.deliver(parsed) }
            return
        }
        guard let endpoint = Self.endpoint(of: destination) else { return }
        transport.send(serialized: message.bytes, to: endpoint)
    }

    /// A message of ours the transport could not send: if a request, its client transaction
    /// fails now rather than timing out.
    static func reportUndeliverable(_ bytes: [UInt8], to pbx: PBXCore) {
        if case .request(let request)? = try? SIPParser().parse(bytes) { pbx.undeliverable(request) }
    }

    private static func endpoint(of destination: SIPPeerAddress) -> SIPEndpoint? {
        guard let address = try? SocketAddress.numeric(host: destination.host, port: destination.port) else {
            // The core resolves host names before sending (HostResolving); nothing else reaches here.
            return nil
        }
        let connection = destination.connectionID.map { SIPConnectionID(rawValue: $0) }
        switch destination.transport {
        case .udp: return .udp(address)
        case .tcp: return SIPEndpoint(transport: .tcp, address: address, connection: connection, serverName: destination.serverName)
        case .tls: return SIPEndpoint(transport: .tls, address: address, connection: connection, serverName: destination.serverName)
        }
    }

    func holdConnection(of peer: SIPPeerAddress, for duration: Duration) {
        guard let endpoint = Self.endpoint(of: peer) else { return }
        transport.holdConnection(of: endpoint, for: TimeAmount(duration))
    }

    func releaseConnection(of peer: SIPPeerAddress) {
        guard let endpoint = Self.endpoint(of: peer) else { return }
        transport.releaseConnection(of: endpoint)
    }

    func isConnectionOpen(_ peer: SIPPeerAddress) -> Bool {
        guard let id = peer.connectionID else { return false }
        return transport.isConnectionOpen(SIPConnectionID(rawValue: id))
    }

    func coreLoadChanged(busy: Bool) {
        transport.sendsFromEventLoops = busy
    }

    func gatheringSends(_ body: () -> Void) {
        transport.gatheringSends(body)
    }

    static func peer(of inbound: InboundSIPMessage) -> SIPPeerAddress {
        peer(of: inbound.source)
    }

    static func peer(of source: SIPEndpoint) -> SIPPeerAddress {
        let transport: SIPPeerAddress.Transport =
            switch source.transport {
            case .udp: .udp
            case .tcp: .tcp
            case .tls: .tls
            }
        return SIPPeerAddress(
            transport: transport, host: source.address.numericHost ?? "0.0.0.0",
            port: source.address.port ?? 0, connectionID: source.connection?.rawValue)
    }
}
