import Testing
@testable import VPBXSIP

@Suite struct SIPSerializationTests {
    @Test func requestRoundTripsAndFixesContentLength() throws {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport")
        headers.add("From", NameAddress(displayName: "Kovács \"K\" János", uri: SIPURI(user: "1001", host: "127.0.0.1"), parameters: [SIPParameter(name: "tag", value: "t1")]).serialized)
        headers.add("To", "<sip:1002@127.0.0.1>")
        headers.add("Call-ID", "rt-1")
        headers.add("CSeq", CSeq(7, .invite).description)
        headers.add("Content-Length", "999")
        let request = SIPRequest(method: .invite, uri: SIPURI(user: "10 02@x", host: "127.0.0.1", port: 5062), headers: headers, body: Array("v=0\r\n".utf8))
        let bytes = request.serialized()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("INVITE sip:10%2002%40x@127.0.0.1:5062 SIP/2.0\r\n"))
        #expect(text.contains("Content-Length: 5\r\n\r\nv=0\r\n"))
        #expect(!text.contains("999"))
        guard case .request(let parsed) = try SIPParser().parse(bytes) else {
            Issue.record("expected a request")
            return
        }
        #expect(parsed.uri.user == "10 02@x")
        #expect(try parsed.headers.from().displayName == "Kovács \"K\" János")
        #expect(parsed.body == request.body)
    }

    /// An INVITE to `b@x` with these header lines, in order.
    private static func invite(_ lines: [(String, String)]) -> SIPRequest {
        var headers = SIPHeaders()
        for (name, value) in lines { headers.add(name, value) }
        return SIPRequest(method: .invite, uri: SIPURI(user: "b", host: "x"), headers: headers)
    }

    @Test func responseCopiesTransactionHeadersAndAddsToTag() throws {
        let request = Self.invite([
            ("Via", "SIP/2.0/UDP a;branch=z9hG4bK1"), ("Via", "SIP/2.0/UDP b;branch=z9hG4bK2"),
            ("From", "<sip:a@x>;tag=f"), ("To", "<sip:b@x>"), ("Call-ID", "c"), ("CSeq", "1 INVITE"),
            ("Max-Forwards", "70"),
        ])
        let ringing = SIPResponse(to: request, status: 180, toTag: "tt")
        #expect(ringing.reason == "Ringing")
        #expect(ringing.headers.lines("Via") == ["SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2"])
        #expect(ringing.headers.map(\.name) == ["Via", "Via", "From", "To", "Call-ID", "CSeq"])
        #expect(try ringing.headers.topVia().branch == "z9hG4bK1")
        #expect(try ringing.headers.to().tag == "tt")
        #expect(ringing.headers["Max-Forwards"] == nil)
        let trying = SIPResponse(to: request, status: 100, toTag: "tt")
        #expect(try trying.headers.to().tag == nil)
    }

    /// RFC 3261 §12.1.1: a response that makes a dialog copies the request's Record-Route,
    /// in order; a proxy in front that record-routes stays on the dialog's path.
    @Test func dialogMakingResponsesCarryTheRecordRoute() throws {
        let invite = Self.invite([
            ("Via", "SIP/2.0/UDP proxy;branch=z9hG4bK1"), ("Record-Route", "<sip:p2.example;lr>"),
            ("From", "<sip:a@x>;tag=f"), ("To", "<sip:b@x>"), ("Record-Route", "<sip:p1.example;lr;ftag=f>"),
            ("Call-ID", "c"), ("CSeq", "1 INVITE"),
        ])
        let routes = ["<sip:p2.example;lr>", "<sip:p1.example;lr;ftag=f>"]
        #expect(SIPResponse(to: invite, status: 180, toTag: "tt").headers.lines("Record-Route") == routes)
        #expect(SIPResponse(to: invite, status: 200, toTag: "tt").headers.lines("Record-Route") == routes)
        #expect(SIPResponse(to: invite, status: 100).headers.lines("Record-Route").isEmpty)
        #expect(SIPResponse(to: invite, status: 486, toTag: "tt").headers.lines("Record-Route").isEmpty)
        var bye = invite
        bye.method = .bye
        bye.headers["CSeq"] = "2 BYE"
        #expect(SIPResponse(to: bye, status: 200).headers.lines("Record-Route").isEmpty)
    }

    @Test(arguments: [
        ("\"Bob  B\" <sip:b@x;transport=udp>;foo=bar", "\"Bob  B\" <sip:b@x;transport=udp>;foo=bar;tag=tt"),
        ("sip:b@x;user=phone", "sip:b@x;user=phone;tag=tt"),
        ("<sip:2000@127.0.0.1:5060>", "<sip:2000@127.0.0.1:5060>;tag=tt"),
    ])
    func responseAppendsItsToTagToTheRequestsOwnText(to: String, expected: String) throws {
        let request = try Self.parsedInvite(to: to)
        let ok = SIPResponse(to: request, status: 200, toTag: "tt")
        #expect(ok.headers["To"] == expected)
        // What the response keeps parsed is what its text reads back as.
        #expect(try ok.headers.to() == NameAddress(parsing: expected))
        #expect(try ok.headers.to().tag == "tt")
        // A To with a tag already (an in-dialog request) is copied as it is.
        let inDialog = try Self.parsedInvite(to: expected)
        #expect(SIPResponse(to: inDialog, status: 200, toTag: "other").headers["To"] == expected)
    }

    /// An INVITE to `to` as the parser returns it (with its headers memoized).
    static func parsedInvite(to: String) throws -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP a;branch=z9hG4bK1")
        headers.add("From", "<sip:a@x>;tag=f")
        headers.add("To", to)
        headers.add("Call-ID", "c")
        headers.add("CSeq", "1 INVITE")
        let bytes = SIPRequest(method: .invite, uri: SIPURI(user: "b", host: "x"), headers: headers).serialized()
        guard case .request(let request) = try SIPParser().parse(bytes) else {
            throw SIPParseError.bad("not a request")
        }
        return request
    }

    @Test func headerSubscriptReplacesAllAndRemoveFirstValueSplitsLists() {
        var headers = SIPHeaders()
        headers.add("v", "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2")
        headers.add("Expires", "1")
        headers.add("expires", "2")
        headers["EXPIRES"] = "3"
        #expect(headers.lines("Expires") == ["3"])
        headers.removeFirstValue("Via")
        #expect(headers.values("Via") == ["SIP/2.0/UDP b;branch=z9hG4bK2"])
        headers.removeFirstValue("Via")
        #expect(headers["Via"] == nil)
    }

    @Test func uriParsing() throws {
        let uri = try SIPURI(parsing: "sips:alice:secret@[2001:db8::5]:5061;transport=tls;lr?subject=hi")
        #expect(uri.scheme == "sips" && uri.user == "alice" && uri.password == "secret")
        #expect(uri.host == "2001:db8::5" && uri.port == 5061)
        #expect(uri.transportParameter == "tls")
        #expect(uri.parameters.value(named: "lr") == .some(nil))
        #expect(uri.headers == "subject=hi")
        #expect(uri.serialized == "sips:alice:secret@[2001:db8::5]:5061;transport=tls;lr?subject=hi")
        let tel = try SIPURI(parsing: "tel:+3612345678;phone-context=+36")
        #expect(tel.user == "+3612345678")
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "http://x") }
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "sip:a@host:99999") }
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "sip:a@ho st") }
    }
}
