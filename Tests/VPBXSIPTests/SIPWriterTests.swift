import Testing

@testable import VPBXSIP

/// URIs, name-addresses and Vias are written into one buffer; the text must be exactly what
/// the grammar says, and parse back to the same value.
@Suite struct SIPWriterTests {
    @Test(arguments: [
        "sip:1001@pbx.example",
        "sip:1001@192.0.2.1:5062;transport=tcp",
        "sips:alice:secret@[2001:db8::1]:5061;lr",
        "sip:pbx.example;maddr=10.0.0.1?subject=hello",
        "sip:%23100%20x@pbx.example",
        "tel:+3612345678;phone-context=example.hu",
    ])
    func uriTextRoundTrips(text: String) throws {
        let uri = try SIPURI(parsing: text)
        #expect(uri.serialized == text)
        #expect(try SIPURI(parsing: uri.serialized) == uri)
        var appended = "<"
        uri.write(to: &appended)
        #expect(appended == "<" + text)
    }

    @Test func aUserPartIsEscapedWhereTheGrammarSaysSo() {
        let uri = SIPURI(scheme: "sip", user: "#1 ä", host: "pbx.example")
        #expect(uri.serialized == "sip:%231%20%C3%A4@pbx.example")
    }

    @Test func nameAddressesAreWrittenWithBracketsQuotesAndParameters() throws {
        let address = NameAddress(
            displayName: "Kovács \"Kati\"", uri: try SIPURI(parsing: "sip:101@[2001:db8::2]:5070"),
            parameters: [SIPParameter(name: "tag", value: "a1"), SIPParameter(name: "x", value: nil)])
        #expect(address.serialized == "\"Kovács \\\"Kati\\\"\" <sip:101@[2001:db8::2]:5070>;tag=a1;x")
        #expect(try NameAddress(parsing: address.serialized) == address)
        #expect(NameAddress(uri: SIPURI(host: "h")).serialized == "<sip:h>")
    }

    @Test func viasAreWrittenWithTheirHostPortAndParameters() throws {
        let via = Via(
            transport: "udp", host: "2001:db8::3", port: 5060,
            parameters: [SIPParameter(name: "branch", value: "z9hG4bK-1"), SIPParameter(name: "rport", value: nil)])
        #expect(via.serialized == "SIP/2.0/UDP [2001:db8::3]:5060;branch=z9hG4bK-1;rport")
        #expect(Via(transport: "TCP", host: "pbx.example", port: nil).serialized == "SIP/2.0/TCP pbx.example")
        #expect(try Via(parsing: via.serialized) == via)
    }

    @Test(arguments: [0, 7, 10, 99, 100, 1234, 65_535, 1_000_000])
    func contentLengthDigitsAreWrittenInPlace(value: Int) {
        var bytes: [UInt8] = Array("x".utf8)
        SIPMessageWriter.appendDecimal(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x\(value)")
    }

    @Test func messagesEndTheirHeadWithTheBodyLength() {
        var response = SIPResponse(statusCode: 486, headers: SIPHeaders([("Call-ID", "w-1")]))
        response.body = Array(repeating: UInt8(ascii: "a"), count: 123)
        let text = String(decoding: response.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("SIP/2.0 486 Busy Here\r\nCall-ID: w-1\r\nContent-Length: 123\r\n\r\naaa"))
        let request = SIPRequest(method: .bye, uri: SIPURI(user: "1001", host: "192.0.2.1", port: 5062))
        #expect(String(decoding: request.serialized(), as: UTF8.self) == "BYE sip:1001@192.0.2.1:5062 SIP/2.0\r\nContent-Length: 0\r\n\r\n")
    }
}
