import VPBXPBX
import VPBXSIP

/// The NOTIFYs of a transfer (RFC 3515), as the transferring phone gets them.
extension PBXHarness {
    /// The NOTIFY to `phone` whose body says `status` (`SIP/2.0 100 Trying`), answered 200 as
    /// a phone does; returns it. Matched by what it says, so that one the core resent at the
    /// harness's 50 ms T1 before our 200 reached it is not taken for the next.
    func notify(to phone: Phone, saying status: String) async throws -> SIPRequest {
        let notify = try await outbound.next("NOTIFY \(status) to \(phone.number)") {
            $0.isRequest(.notify, to: phone.address) && $0.request?.sipfrag == status
        }.request!
        send(SIPResponse(to: notify, status: 200, toTag: nil), from: phone)
        return notify
    }
}

extension SIPRequest {
    /// A NOTIFY's `message/sipfrag` body: the status line it reports.
    var sipfrag: String {
        String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
