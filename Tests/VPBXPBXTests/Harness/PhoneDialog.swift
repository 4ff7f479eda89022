import VPBXSIP
import VPBXSignaling

/// A phone's side of an established call: enough dialog state to send in-dialog requests.
struct PhoneDialog: Sendable {
    let phone: Phone
    let callID: String
    /// Our From header value (with our tag) and theirs (with their tag).
    let local: String
    let remote: String
    /// Where in-dialog requests go: the other side's Contact.
    let target: SIPURI
    private(set) var cseq: UInt32

    /// The caller once its INVITE got `ok`.
    init(caller phone: Phone, invite: SIPRequest, ok: SIPResponse) throws {
        self.phone = phone
        callID = invite.headers.callID ?? ""
        local = invite.headers["From"] ?? ""
        remote = ok.headers["To"] ?? ""
        target = try ok.headers.contacts().addresses.first?.uri ?? invite.uri
        cseq = try invite.headers.cseq().number
    }

    /// The callee once it answered the engine's `invite` with `ok`.
    init(callee phone: Phone, invite: SIPRequest, ok: SIPResponse) throws {
        self.phone = phone
        callID = invite.headers.callID ?? ""
        local = ok.headers["To"] ?? ""
        remote = invite.headers["From"] ?? ""
        target = try invite.headers.contacts().addresses.first?.uri ?? invite.uri
        cseq = 0
    }

    /// ACK for the 2xx answering INVITE number `inviteCSeq`: its own transaction. `sdp`: the
    /// answer, when the 2xx carried the offer (a late offer).
    func ack(inviteCSeq: UInt32, sdp: String? = nil) -> SIPRequest {
        request(.ack, cseq: inviteCSeq, sdp: sdp)
    }

    /// A new in-dialog request (BYE, re-INVITE, INFO...) with the next CSeq.
    mutating func request(_ method: SIPMethod, sdp: String? = nil) -> SIPRequest {
        cseq += 1
        return request(method, cseq: cseq, sdp: sdp)
    }

    private func request(_ method: SIPMethod, cseq: UInt32, sdp: String?) -> SIPRequest {
        var headers = SIPHeaders([
            ("Via", phone.via()), ("Max-Forwards", "70"), ("From", local), ("To", remote), ("Call-ID", callID),
            ("CSeq", "\(cseq) \(method.name)"),
        ])
        if method == .invite { headers.add("Contact", "<\(phone.contact)>") }
        var body: [UInt8] = []
        if let sdp {
            headers.add("Content-Type", "application/sdp")
            body = Array(sdp.utf8)
        }
        return SIPRequest(method: method, uri: target, headers: headers, body: body)
    }
}
