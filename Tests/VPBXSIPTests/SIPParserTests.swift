import Testing
@testable import VPBXSIP

@Suite struct SIPParserTests {
    let parser = SIPParser()

    @Test func parsesCompactFoldedTortureMessage() throws {
        guard case .request(let request) = try parser.parse(Fixture.bytes("torture-compact-folded")) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.method == .invite)
        #expect(request.uri.user == "1002")
        let vias = try request.headers.vias()
        #expect(vias.map(\.branch) == ["z9hG4bK-1", "z9hG4bK-2", "z9hG4bK-3"])
        #expect(vias[0].hasRport && vias[0].rport == nil)
        #expect(vias[1].host == "2001:db8::1" && vias[1].transport == "TCP")
        #expect(vias[2].port == nil)
        let from = try request.headers.from()
        #expect(from.displayName == "Kov\"ács, János")
        #expect(from.tag == "abc")
        #expect(try request.headers.to().uri.user == "1002")
        #expect(request.headers.callID == "torture-1@127.0.0.1")
        #expect(request.headers["Subject"] == "folded subject line")
        let contacts = try request.headers.contacts().addresses
        #expect(contacts.count == 2)
        #expect(contacts[0].parameters.value(named: "expires") == .some("60"))
        #expect(contacts[0].uri.transportParameter == "udp")
        #expect(contacts[1].parameters.value(named: "q") == .some("0.5"))
        // Content-Length 4 cuts the datagram: the trailing bytes are not body.
        #expect(request.body == Array("v=0\r".utf8))
    }

    @Test func decodesEscapedRequestURIAndBareAddresses() throws {
        guard case .request(let request) = try parser.parse(Fixture.bytes("escaped-ruri")) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.uri.user == "1002")
        #expect(request.uri.parameters.value(named: "user") == .some("phone"))
        // Without angle brackets the ;tag belongs to the header, not the URI.
        let from = try request.headers.from()
        #expect(from.tag == "x")
        #expect(from.uri.parameters.isEmpty)
    }

    @Test(arguments: [
        ("bad-cseq-method", "CSeq"),
        ("content-length-too-big", "Content-Length"),
        ("bad-version", "SIP/2.0"),
        ("missing-call-id", "Call-ID"),
    ])
    func rejectsBadRequestsWithAReasonAndThePartialRequest(fixture: String, mentioned: String) throws {
        do {
            _ = try parser.parse(Fixture.bytes(fixture))
            Issue.record("\(fixture) should have been rejected")
        } catch let error as SIPParseError {
            #expect(error.kind == .badRequest)
            #expect(error.message.contains(mentioned), "message: \(error.message)")
            #expect(error.partialRequest != nil)
        }
    }

    @Test(arguments: [
        "", "\r\n\r\n", "hello world\r\n\r\n", "INVITE\r\n\r\n", "SIP/2.0 99 Odd\r\n\r\n",
        "INVITE sip:a@b SIP/2.0\r\nno colon here\r\n\r\n", "SIP/2.0 200 OK\r\nVia: x\r\n",
    ])
    func dropsUnparseableInputWithoutCrashing(text: String) {
        #expect(throws: SIPParseError.self) { try parser.parse(Array(text.utf8)) }
    }

    @Test func rejectsOversizedMessagesAndTooManyHeaders() {
        let limited = SIPParser(limits: SIPParserLimits(maxMessageBytes: 200, maxHeaderCount: 3))
        let big = Array(repeating: UInt8(ascii: "a"), count: 201)
        #expect { try limited.parse(big) } throws: { ($0 as? SIPParseError)?.kind == .tooLarge }
        let many = "OPTIONS sip:x SIP/2.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        #expect { try limited.parse(Array(many.utf8)) } throws: { ($0 as? SIPParseError)?.kind == .tooLarge }
    }

    @Test func randomGarbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let base = Array("INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".utf8)
        for _ in 0..<2_000 {
            var mutated = base
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? parser.parse(mutated)
        }
    }

    @Test func parsesResponses() throws {
        let text = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        guard case .response(let response) = try parser.parse(Array(text.utf8)) else {
            Issue.record("expected a response")
            return
        }
        #expect(response.statusCode == 486)
        #expect(response.reason == "Busy Here")
        #expect(try response.headers.cseq() == CSeq(1, .invite))
    }
}
