import VPBXSIP
import VPBXSignaling

enum TransactionFixtures {
    static func request(_ method: SIPMethod, branch: String = "z9hG4bK-test") -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=\(branch)")
        headers.add("From", "<sip:1001@127.0.0.1>;tag=from1")
        headers.add("To", "<sip:1002@127.0.0.1>")
        headers.add("Call-ID", "txn-test")
        headers.add("CSeq", "1 \(method.name)")
        headers.add("Max-Forwards", "70")
        headers.add("Contact", "<sip:1001@127.0.0.1:5070>")
        return SIPRequest(method: method, uri: SIPURI(user: "1002", host: "127.0.0.1"), headers: headers)
    }

    static func response(_ status: Int, to request: SIPRequest, tag: String? = "to1") -> SIPResponse {
        var response = SIPResponse(to: request, status: status, toTag: tag)
        response.headers.add("Contact", "<sip:1002@127.0.0.1:5080>")
        return response
    }
}

extension Array where Element == TransactionAction {
    var timers: [TransactionTimer: Duration] {
        var result: [TransactionTimer: Duration] = [:]
        for case .startTimer(let timer, let duration) in self { result[timer] = duration }
        return result
    }

    var sentRequests: [SIPRequest] { compactMap { if case .sendRequest(let r) = $0 { r } else { nil } } }
    var sentResponses: [SIPResponse] { compactMap { if case .sendResponse(let r) = $0 { r } else { nil } } }
    var sentSerialized: [SerializedSIPMessage] { compactMap { if case .sendSerialized(let r) = $0 { r } else { nil } } }
    var delivered: [SIPResponse] { compactMap { if case .deliverResponse(let r) = $0 { r } else { nil } } }
}
