import VPBXText
import Testing

@testable import VPBXSIP

/// The offset-reading fast paths of URI, name-address and Via (``ByteText``) say exactly
/// what the general Substring parsers say, or step aside; and the shapes phones send every
/// message take them.
@Suite struct PlainHeaderParsingTests {
    static let uris = [
        "sip:2000@127.0.0.1:5060", "sip:alice@example.com", "SIP:Bob@Example.COM;transport=TCP",
        "sips:alice:secret@host.example:5061;lr;maddr=10.0.0.1?subject=hi&x=y", "sip:127.0.0.1",
        "sip:host:0", "sip:host:65535", "sip:host:65536", "sip:host:+5060", "sip:host:50 60", "sip:host:",
        "sip:@host", "sip::pw@host", "sip:a%40b@host", "sip:a%4@host", "sip:[::1]:5060", "sip:[::1",
        "sip:høst.example", "sip:user@ho st", "tel:+3612345678;phone-context=+36", "tel:;x", "mailto:a@b",
        "http:x", "sip", "", "sip:", "sip:user@", "sip:a@b@c", "sip:host;a=\"b;c\";d", "sip:host;;x= 1 ;y",
        "sip:host;a=<b;c>;d", "sip:hõst:5060", "sip:user@host?", "1sip:host", "sip:host:0050",
    ]

    @Test(arguments: uris)
    func uriFastPathAgreesWithTheGeneralParser(text: String) {
        let general = try? SIPURI(parsingAnyShape: Substring(text))
        let parsed = try? SIPURI(parsing: text)
        #expect(parsed == general, "\(text)")
        if let fast = ByteText.with(Substring(text), { SIPURI(plain: $0, $0.all) }) {
            #expect(fast == general, "\(text)")
        }
    }

    static let addresses = [
        "sipp <sip:sipp@127.0.0.1:5061>;tag=12345SIPpTag001", "<sip:2000@127.0.0.1:5060>",
        "\"Alice \\\"A\\\" Smith\" <sip:alice@example.com>;tag=x;q=0.5", "\"\" <sip:a@b>", "\"x\\\" <sip:a@b>",
        "sip:bob@example.com;tag=abc", "  <sip:a@b>  ;  tag = 1 ", "Bob <sip:b@h;transport=tcp>;expires=60",
        "\"Ünsal\" <sip:u@h>", "Ünsal <sip:u@h>", "<sip:a@b", "<sip:a%20b@h>", "<sip:[::1]>", "\"<\" <sip:a@b>",
        "<tel:+36123>", "", "   ", "<>", "x <sip:a@b>;tag=\"a;b\"", "<sip:a@b>;lr;;", "\"\\\"",
        "\"unterminated <sip:a@b>", "a\"b\" <sip:c@d>",
    ]

    @Test(arguments: addresses)
    func nameAddressFastPathAgreesWithTheGeneralParser(text: String) {
        let general = try? NameAddress(parsingAnyShape: Substring(text))
        let parsed = try? NameAddress(parsing: text)
        #expect(parsed == general, "\(text)")
        if let fast = ByteText.with(Substring(text), { NameAddress(plain: $0, $0.all) }) {
            #expect(fast == general, "\(text)")
        }
    }

    static let vias = [
        "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-12345-1-0;rport", "SIP/2.0/TCP host.example;received=1.2.3.4",
        "SIP/2.0/udp 10.0.0.1:5060;branch=z9hG4bKx", "sip/2.0/UDP h", "SIP/2.0/ UDP h", "SIP / 2.0 / UDP h",
        "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0/UDP [::1]:5060;branch=z9hG4bKv6", "SIP/2.0/UDP h:0",
        "SIP/2.0/UDP h:5060 ;branch=z9hG4bKa ; rport", "SIP/2.0/WS  h.invalid;branch=z9hG4bKw",
        "SIP/2.0/UDP hø;branch=x", "SIP/2.0/UDP h;branch=\"a;b\"", "SIP/3.0/UDP h", "SIP/2.0//UDP h", "",
        "SIP/2.0/UDP\th:5060;rport=5070;received=127.0.0.1",
    ]

    @Test(arguments: vias)
    func viaFastPathAgreesWithTheGeneralParser(text: String) {
        let general = try? Via(parsingAnyShape: Substring(text))
        let parsed = try? Via(parsing: text)
        #expect(parsed == general, "\(text)")
        if let fast = ByteText.with(Substring(text), { Via(plain: $0, $0.all) }) {
            #expect(fast == general, "\(text)")
        }
    }

    @Test func errorsStillNameWhatIsWrong() {
        #expect(throws: SIPParseError.bad("URI 'sip:host:65536' has an invalid port '65536'")) {
            try SIPURI(parsing: "sip:host:65536")
        }
        #expect(throws: SIPParseError.bad("address '<sip:a@b' is missing '>'")) { try NameAddress(parsing: "<sip:a@b") }
    }

    @Test func theShapesPhonesSendTakeTheFastPath() {
        let plain: [(String, (ByteText) -> Bool)] = [
            ("sip:2000@127.0.0.1:5060", { SIPURI(plain: $0, $0.all) != nil }),
            ("sips:alice:pw@h.example;transport=tls?x=y", { SIPURI(plain: $0, $0.all) != nil }),
            ("\"Alice\" <sip:alice@10.0.0.1:5060;transport=udp>;tag=abc", { NameAddress(plain: $0, $0.all) != nil }),
            ("sip:bob@h;tag=1", { NameAddress(plain: $0, $0.all) != nil }),
            ("SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport", { Via(plain: $0, $0.all) != nil }),
        ]
        for (text, takesFastPath) in plain {
            #expect(ByteText.with(Substring(text), takesFastPath), "\(text)")
        }
    }

    @Test(arguments: [
        "INVITE sip:a@b SIP/2.0", "SIP/2.0 200  OK", "  ACK   sip:x  SIP/2.0  ", "SIP/2.0 486 Busy Here", "OPTIONS",
        "", " ", "SIP/2.0 180 Kicsengés", "SIP/2.0 200 \u{301}OK", "INVITE\tsip:a@b SIP/2.0", "a  b  c  d  e",
    ])
    func startLinesSplitAsTheStandardSplitDoes(line: String) {
        for maxSplits in [0, 1, 2, Int.max] {
            let expected = line.split(separator: " ", maxSplits: maxSplits, omittingEmptySubsequences: true)
            #expect(SIPParser.spaceSeparated(Substring(line), maxSplits: maxSplits) == expected, "\(line) \(maxSplits)")
        }
    }

    @Test func theTopViaIsTheFirstElementOfTheFirstNonEmptyViaLine() throws {
        func topVia(_ viaLines: [String]) throws -> Via {
            let lines = ["OPTIONS sip:100@pbx.example SIP/2.0"] + viaLines.map { "Via: \($0)" } + [
                "From: <sip:101@pbx.example>;tag=1", "To: <sip:100@pbx.example>", "Call-ID: via-1", "CSeq: 1 OPTIONS",
                "Content-Length: 0", "", "",
            ]
            guard case .request(let request) = try SIPParser().parse(Array(lines.joined(separator: "\r\n").utf8)) else {
                throw SIPParseError.bad("not a request")
            }
            return try request.headers.topVia()
        }
        #expect(try topVia(["SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/UDP b.example"]).host == "a.example")
        #expect(try topVia(["SIP/2.0/udp c.example:5070;branch=z9hG4bK2", "SIP/2.0/UDP d.example"]).port == 5070)
        #expect(try topVia(["SIP/2.0/UDP [::1]:5060;branch=z9hG4bK3"]).host == "::1")
        #expect(try topVia([" , SIP/2.0/TCP e.example;branch=z9hG4bK4"]).transport == "TCP")
    }
}
