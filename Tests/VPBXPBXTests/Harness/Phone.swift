import Foundation
import VPBXPBX
import VPBXSIP
import VPBXSignaling

/// A SIP phone as the tests play it: builds the requests and responses a real user agent would
/// send from `address`. It keeps no state; calls keep theirs in `PhoneDialog`.
struct Phone: Sendable {
    /// The domain phones put in their request URIs and From/To.
    static let domain = "vpbx.test"

    let number: String
    let password: String
    let address: SIPPeerAddress

    /// `connection`: a phone on TCP (or on `tls`), its messages arriving on that connection.
    init(
        _ number: String, password: String? = nil, at host: String, port: Int = 5060, connection: UInt64? = nil,
        tls: Bool = false
    ) {
        self.number = number
        self.password = password ?? "secret-\(number)"
        let transport: SIPPeerAddress.Transport = connection == nil ? .udp : tls ? .tls : .tcp
        self.address = SIPPeerAddress(transport: transport, host: host, port: port, connectionID: connection)
    }

    var contact: String { "sip:\(number)@\(address.host):\(address.port)" }
    var aor: String { "sip:\(number)@\(Phone.domain)" }

    func via(branch: String = SIPIdentifiers.branch()) -> String {
        "SIP/2.0/\(address.transport.rawValue.uppercased()) \(address.host):\(address.port);branch=\(branch);rport"
    }

    func sdp(port: Int = 4000, direction: String = "sendrecv") -> String {
        SampleSDP.body(host: address.host, port: port, direction: direction)
    }

    // MARK: Requests

    func register(
        expires: Int? = 3600, contact: String? = nil, callID: String = SIPIdentifiers.callID(host: "phone"), cseq: UInt32 = 1
    ) -> SIPRequest {
        var headers = SIPHeaders([
            ("Via", via()), ("Max-Forwards", "70"), ("From", "<\(aor)>;tag=\(SIPIdentifiers.tag())"), ("To", "<\(aor)>"),
            ("Call-ID", callID), ("CSeq", "\(cseq) REGISTER"), ("Contact", contact ?? "<\(self.contact)>"),
        ])
        if let expires { headers.add("Expires", String(expires)) }
        return SIPRequest(method: .register, uri: SIPURI(host: Phone.domain), headers: headers)
    }

    /// An INVITE to `callee`; `sdp: nil` makes one without a body.
    func invite(_ callee: String, sdp: String?, callID: String = SIPIdentifiers.callID(host: "phone")) -> SIPRequest {
        var headers = SIPHeaders([
            ("Via", via()), ("Max-Forwards", "70"), ("From", "\"Phone \(number)\" <\(aor)>;tag=\(SIPIdentifiers.tag())"),
            ("To", "<sip:\(callee)@\(Phone.domain)>"), ("Call-ID", callID), ("CSeq", "1 INVITE"), ("Contact", "<\(contact)>"),
        ])
        var body: [UInt8] = []
        if let sdp {
            headers.add("Content-Type", "application/sdp")
            body = Array(sdp.utf8)
        }
        return SIPRequest(method: .invite, uri: SIPURI(user: callee, host: Phone.domain), headers: headers, body: body)
    }

    /// `request` again, answering the digest challenge of a 401 or 407: a new transaction
    /// (fresh branch, CSeq + 1) carrying Authorization or Proxy-Authorization.
    func authorized(_ request: SIPRequest, answering challenge: SIPResponse, password: String? = nil) throws -> SIPRequest {
        let isProxy = challenge.statusCode == 407
        let header = challenge.headers[isProxy ? "Proxy-Authenticate" : "WWW-Authenticate"] ?? ""
        let parsed = try DigestChallenge(parsing: header)
        let credentials = DigestCredentials.answering(
            parsed, username: number, password: password ?? self.password, method: request.method.name,
            uri: request.uri.serialized, cnonce: SIPIdentifiers.tag())
        var retry = request
        let cseq = try request.headers.cseq()
        retry.headers.remove("Via")
        retry.headers.prepend("Via", via())
        retry.headers.remove("CSeq")
        retry.headers.add("CSeq", CSeq(cseq.number + 1, cseq.method).description)
        retry.headers.add(isProxy ? "Proxy-Authorization" : "Authorization", credentials.headerValue)
        return retry
    }

    /// ACK for a non-2xx final response: part of the INVITE transaction (same branch).
    func ack(failure response: SIPResponse, of invite: SIPRequest) -> SIPRequest {
        var headers = SIPHeaders()
        for name in ["Via", "From", "Call-ID"] { headers.add(name, invite.headers[name] ?? "") }
        headers.add("Max-Forwards", "70")
        headers.add("To", response.headers["To"] ?? "")
        headers.add("CSeq", "\((try? invite.headers.cseq().number) ?? 1) ACK")
        return SIPRequest(method: .ack, uri: invite.uri, headers: headers)
    }

    /// CANCEL of a pending INVITE (RFC 3261 §9.1).
    func cancel(_ invite: SIPRequest) -> SIPRequest {
        var headers = SIPHeaders()
        for name in ["Via", "From", "To", "Call-ID"] { headers.add(name, invite.headers[name] ?? "") }
        headers.add("Max-Forwards", "70")
        headers.add("CSeq", "\((try? invite.headers.cseq().number) ?? 1) CANCEL")
        return SIPRequest(method: .cancel, uri: invite.uri, headers: headers)
    }

    // MARK: Responses (the callee side of the engine's INVITE)

    func respond(to request: SIPRequest, status: Int, toTag: String, sdp: String? = nil) -> SIPResponse {
        var response = SIPResponse(to: request, status: status, toTag: toTag)
        if status > 100 && status < 300 { response.headers.add("Contact", "<\(contact)>") }
        if let sdp {
            response.headers.add("Content-Type", "application/sdp")
            response.body = Array(sdp.utf8)
        }
        return response
    }
}
