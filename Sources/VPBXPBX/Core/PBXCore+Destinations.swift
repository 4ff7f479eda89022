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
        guard source.transport.isStream, !outbound.isConnectionOpen(source) else { return source }
        return address(of: binding.contact) ?? source
    }

    /// Where an in-dialog request goes when `destination`, a connection the peer opened to
    /// us, has closed during the call: to the dialog's remote target (its Request-URI), for
    /// the same reason as ``destination(of:)``. Requests with a route set keep their next
    /// hop, and connections the engine opened itself (to a Contact or a trunk) are opened
    /// again by the transport at the same address.
    ///
    /// The ACK of a 2xx is such a request too (the dialog sends it, not the INVITE's
    /// transaction: RFC 3261 §13.2.2.4): after a re-INVITE went to the remote target, its 2xx
    /// came back over the new connection and the ACK must follow it there. A CANCEL goes
    /// where its INVITE went, so it keeps its destination; the ACK of an error is the
    /// transaction layer's and does not come here.
    func reachable(_ destination: SIPPeerAddress, for request: SIPRequest) -> SIPPeerAddress {
        // The applications are reached in process, over no connection the transport knows:
        // their `.invalid` host would only be asked of DNS (and logged as not resolving).
        guard destination.host != Application.host, destination.transport.isStream, destination.connectionID != nil,
            request.method != .cancel,
            (try? request.headers.toTag()).flatMap({ $0 }) != nil, request.headers["Route"] == nil,
            !outbound.isConnectionOpen(destination)
        else { return destination }
        return address(of: request.uri) ?? destination
    }

    /// The address a SIP URI names (RFC 3263 without DNS records: its host, resolved when a
    /// name, its port or the transport's default, TLS for `sips:` or `transport=tls`, TCP for
    /// `transport=tcp`, else UDP); nil while a name has not resolved.
    private func address(of uri: SIPURI) -> SIPPeerAddress? {
        guard let host = uri.hostIsIPAddress ? uri.host : hosts.address(of: uri.host) else { return nil }
        let transport = SIPPeerAddress.Transport(of: uri)
        return SIPPeerAddress(transport: transport, host: host, port: uri.port ?? transport.defaultPort)
    }
}
