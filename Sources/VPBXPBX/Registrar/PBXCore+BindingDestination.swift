import VPBXSIP

extension PBXCore {
    /// Where requests to a registered contact go.
    ///
    /// To the address its REGISTER came from: a phone behind NAT names a private address in
    /// its Contact, and only its source (for TCP, its connection) reaches it. A TCP binding
    /// whose connection is gone (the phone's connection closed, or the engine restarted: a
    /// connection does not survive that) has no such path: its source is the phone's own
    /// ephemeral port, where nothing listens. Then the request goes where RFC 3261 sends it,
    /// to the Contact's address over a new connection: a phone on the exchange's network
    /// listens there (§18.1.1); one behind NAT cannot be reached until it registers again,
    /// which it would not be through its old source either.
    func destination(of binding: Binding) -> SIPPeerAddress {
        let source = binding.source
        guard source.transport == .tcp, !outbound.isConnectionOpen(source) else { return source }
        let contact = binding.contact
        guard let host = contact.hostIsIPAddress ? contact.host : hosts.address(of: contact.host) else { return source }
        return SIPPeerAddress(transport: .tcp, host: host, port: contact.port ?? 5060)
    }
}
