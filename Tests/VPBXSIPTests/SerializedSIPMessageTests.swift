import Testing

@testable import VPBXSIP

/// A message kept as its bytes sends exactly what the message serializes to, and parses back
/// to the same message for receivers that take messages.
@Suite struct SerializedSIPMessageTests {
    private func ack() throws -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-kept;rport")
        headers.add("Max-Forwards", "70")
        headers.add("From", "\"Anna\" <sip:1001@pbx.example>;tag=a1")
        headers.add("To", "<sip:1002@10.0.0.7:5062>;tag=b2")
        headers.add("Call-ID", "kept-1@pbx.example")
        headers.add("CSeq", "1 ACK")
        return SIPRequest(method: .ack, uri: SIPURI(user: "1002", host: "10.0.0.7", port: 5062), headers: headers)
    }

    @Test func theBytesAreTheMessageSerialized() throws {
        let request = try ack()
        let kept = SerializedSIPMessage(.request(request))
        #expect(kept.bytes == request.serialized())
        #expect(String(decoding: kept.bytes, as: UTF8.self).hasPrefix("ACK sip:1002@10.0.0.7:5062 SIP/2.0\r\nVia: "))
    }

    @Test func itParsesBackToTheSameHeaders() throws {
        let request = try ack()
        guard case .request(let parsed) = try SerializedSIPMessage(.request(request)).parsed() else {
            Issue.record("expected a request")
            return
        }
        #expect(parsed.method == .ack)
        #expect(parsed.uri == request.uri)
        #expect(try parsed.headers.topVia().branch == "z9hG4bK-kept")
        #expect(try parsed.headers.fromTag() == "a1" && parsed.headers.toTag() == "b2")
        #expect(parsed.headers.callID == "kept-1@pbx.example")
        #expect(parsed.headers["Content-Length"] == "0")
    }
}
