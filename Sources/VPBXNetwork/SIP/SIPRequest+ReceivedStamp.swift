import NIOCore
import VPBXSIP
import VPBXText

extension SIPRequest {
    /// Writes where the request really came from into its top Via (RFC 3261 §18.2.1,
    /// RFC 3581 §4), so the response Via tells the client what we saw.
    ///
    /// `received` is added when the sent-by host differs from the source IP or `rport` is
    /// filled. `rport=<source port>` is filled when the client asked for it, and also when the
    /// source port differs from the sent-by port: we answer UDP requests to the source port
    /// anyway (see ``SIPTransport/sendResponse(_:for:)``), and the Via should say so.
    mutating func stampReceived(from source: SocketAddress) {
        guard let ip = source.numericHost, let port = source.port else { return }
        guard var via = try? headers.topVia() else { return }
        let hostDiffers = !via.host.caseInsensitiveEquals(ip)
        let portDiffers = (via.port ?? 5060) != port
        let fillRport = via.hasRport || portDiffers
        guard fillRport || hostDiffers else { return }
        via.parameters.set("received", ip)
        if fillRport { via.parameters.set("rport", String(port)) }
        headers.replaceTopVia(via)
    }
}
