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
        guard let address = try? SocketAddress.numeric(host: destination.host, port: destination.port) else {
            // The core resolves host names before sending (HostResolving); nothing else reaches here.
            return
        }
        let endpoint: SIPEndpoint
        switch destination.transport {
        case .udp: endpoint = .udp(address)
        case .tcp: endpoint = .tcp(address, connection: destination.connectionID.map { SIPConnectionID(rawValue: $0) })
        }
        transport.send(message, to: endpoint)
    }

    func coreLoadChanged(busy: Bool) {
        transport.sendsFromEventLoops = busy
    }

    func gatheringSends(_ body: () -> Void) {
        transport.gatheringSends(body)
    }

    static func peer(of inbound: InboundSIPMessage) -> SIPPeerAddress {
        let source = inbound.source
        return SIPPeerAddress(
            transport: source.transport == .udp ? .udp : .tcp, host: source.address.numericHost ?? "0.0.0.0",
            port: source.address.port ?? 0, connectionID: source.connection?.rawValue)
    }
}
