import Testing
import VPBXPBX
import VPBXSIP

/// Busy lamp subscriptions (`dialog`, RFC 4235) as phones make them, and the documents the
/// engine sends them.
extension PBXHarness {
    /// A SUBSCRIBE from `phone` to `watched`'s calls.
    static func dialogSubscription(
        _ phone: Phone, to watched: String, expires: Int, callID: String, cseq: Int = 1, toTag: String? = nil
    ) -> SIPRequest {
        SIPRequest(
            method: .subscribe, uri: SIPURI(user: watched, host: Phone.domain),
            headers: SIPHeaders([
                ("Via", phone.via()), ("Max-Forwards", "70"), ("From", "<\(phone.aor)>;tag=blf-\(callID)"),
                ("To", "<sip:\(watched)@\(Phone.domain)>" + (toTag.map { ";tag=\($0)" } ?? "")), ("Call-ID", callID),
                ("CSeq", "\(cseq) SUBSCRIBE"), ("Contact", "<\(phone.contact)>"), ("Event", "dialog"),
                ("Accept", "application/dialog-info+xml"), ("Expires", String(expires)),
            ]))
    }

    /// `phone` subscribed to `watched`, after the digest challenge; returns the 200.
    func watch(_ watched: String, from phone: Phone, callID: String = "blf-1") async throws -> SIPResponse {
        let request = Self.dialogSubscription(phone, to: watched, expires: 600, callID: callID)
        send(request, from: phone)
        let challenge = try await outbound.response(401, .subscribe, to: phone.address)
        send(try phone.authorized(request, answering: challenge), from: phone)
        return try await outbound.response(200, .subscribe, to: phone.address)
    }

    /// The NOTIFY to `phone` whose document has `version`, answered 200; returns its body.
    func dialogDocument(_ version: Int, to phone: Phone) async throws -> String {
        let notify = try await outbound.next("dialog-info version \(version) to \(phone.number)") {
            $0.isRequest(.notify, to: phone.address)
                && $0.request.map { String(decoding: $0.body, as: UTF8.self) }?.contains("version=\"\(version)\"")
                    == true
        }.request!
        #expect(notify.headers["Event"] == "dialog")
        #expect(notify.headers.contentType == "application/dialog-info+xml")
        send(SIPResponse(to: notify, status: 200, toTag: nil), from: phone)
        return String(decoding: notify.body, as: UTF8.self)
    }
}
