import Testing

@testable import VPBXSIP

/// The head is cut into fields in the bytes when no line is folded, and decoded and unfolded
/// first when one is: both ways must give the same fields and the same errors.
@Suite struct SIPParserHeadTests {
    let parser = SIPParser()

    static func request(_ headerLines: [String]) -> [UInt8] {
        let lines = ["OPTIONS sip:100@pbx.example SIP/2.0"] + headerLines + ["Content-Length: 0", "", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static let common = [
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77", "From: \"Kovács Anna\" <sip:101@pbx.example>;tag=1",
        "To: <sip:100@pbx.example>", "Call-ID: head-1", "CSeq: 1 OPTIONS", "Max-Forwards: 70",
    ]

    func fields(_ bytes: [UInt8]) throws -> [String] {
        try parser.parse(bytes).headers.map { "\($0.name)=\($0.value)" }
    }

    @Test func aFoldedHeaderGivesTheSameFieldsAsItsOneLineForm() throws {
        let oneLine = try fields(Self.request(Self.common + ["Subject: lunch at noon", "X-Note: ékezetes   szöveg"]))
        let folded = try fields(Self.request(Self.common + ["Subject: lunch\r\n  at\r\n\tnoon", "X-Note: ékezetes   szöveg"]))
        #expect(oneLine == folded)
        #expect(oneLine.contains("Subject=lunch at noon"))
        #expect(oneLine.contains("X-Note=ékezetes   szöveg"))
    }

    @Test func namesAndValuesAreTrimmedOfSpacesAndTabsOnly() throws {
        let parsed = try fields(Self.request(Self.common + ["Subject \t:\t  hello world \t", "X-Empty:", "v : SIP/2.0/UDP h;branch=z9hG4bK2"]))
        #expect(parsed.contains("Subject=hello world"))
        #expect(parsed.contains("X-Empty="))
        #expect(parsed.contains("Via=SIP/2.0/UDP h;branch=z9hG4bK2"))
    }

    @Test(arguments: [
        ("No colon here", "header line 'No colon here' has no ':'"),
        (": no name", "header name '' is not a token"),
        ("Bad Name: x", "header name 'Bad Name' is not a token"),
        ("Sübject: x", "header name 'Sübject' is not a token"),
    ])
    func aBrokenLineIsRefusedWithItsText(line: String, message: String) {
        for lines in [Self.common + [line], Self.common + [line, "Subject: a\r\n b"]] {
            do {
                _ = try parser.parse(Self.request(lines))
                Issue.record("'\(line)' was accepted")
            } catch {
                #expect(error.message == message, "\(lines.count) lines")
            }
        }
    }
}
