import Testing

@testable import VPBXSIP

/// The parser memoizes From, To, the top Via and CSeq; a change to any of them must show.
@Suite struct SIPHeaderMemoTests {
    private func parsedInvite() throws -> SIPRequest {
        let text =
            "INVITE sip:1002@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-a, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-b\r\n"
            + "From: \"Alice\" <sip:1001@pbx>;tag=f1\r\nTo: <sip:1002@pbx>\r\nCall-ID: memo-1\r\nCSeq: 7 INVITE\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        guard case .request(let request) = try SIPParser().parse(Array(text.utf8)) else {
            throw SIPParseError.bad("expected a request")
        }
        return request
    }

    @Test func parsedValuesAreKeptAndAgreeWithTheText() throws {
        let request = try parsedInvite()
        let memo = request.headers.memoized
        #expect(memo.from?.tag == "f1" && memo.to?.tag == nil)
        #expect(memo.topVia?.branch == "z9hG4bK-a" && memo.cseq?.number == 7)
        #expect(try request.headers.topVia() == Via(parsing: "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-a"))
    }

    @Test func aResponseKeepsToViaAndCSeqParsedAndParsesItsFromOnDemand() throws {
        let text =
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-r\r\n"
            + "From: \"Alice\" <sip:1001@pbx>;tag=f1\r\nTo: <sip:1002@pbx>;tag=t2\r\nCall-ID: memo-2\r\nCSeq: 7 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n"
        guard case .response(let response) = try SIPParser().parse(Array(text.utf8)) else {
            Issue.record("expected a response")
            return
        }
        let memo = response.headers.memoized
        #expect(memo.from == nil)
        #expect(memo.to?.tag == "t2" && memo.topVia?.branch == "z9hG4bK-r" && memo.cseq?.number == 7)
        let from = try response.headers.from()
        #expect(from.tag == "f1" && from.displayName == "Alice" && from.uri.user == "1001")
    }

    @Test func theFirstListValueSkipsEmptyElementsAndLines() {
        var headers = SIPHeaders()
        headers.add("Via", " , ")
        headers.add("Via", ", SIP/2.0/UDP a;branch=z9hG4bK-1, SIP/2.0/UDP b;branch=z9hG4bK-2")
        #expect(headers.firstValue("Via").map(String.init) == headers.values("Via").first)
        #expect(headers.firstValue("Via") == "SIP/2.0/UDP a;branch=z9hG4bK-1")
        #expect(headers.firstValue("Route") == nil)
    }

    @Test func changingAHeaderForgetsItsValue() throws {
        var request = try parsedInvite()
        request.headers["To"] = "<sip:1002@pbx>;tag=t9"
        #expect(try request.headers.to().tag == "t9")
        request.headers.removeFirstValue("Via")
        #expect(try request.headers.topVia().branch == "z9hG4bK-b")
        request.headers.prepend("Via", "SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-new")
        #expect(try request.headers.topVia().branch == "z9hG4bK-new")
        request.headers.remove("CSeq")
        #expect(throws: SIPParseError.self) { try request.headers.cseq() }
        request.headers.add("CSeq", "8 INVITE")
        #expect(try request.headers.cseq().number == 8)
        request.headers.remove("From")
        request.headers.add("From", "<sip:1003@pbx>;tag=f2")
        #expect(try request.headers.from().tag == "f2")
    }

    @Test func otherHeadersStayMemoized() throws {
        var request = try parsedInvite()
        request.headers["To"] = "<sip:1002@pbx>;tag=t9"
        request.headers.add("Contact", "<sip:1001@10.0.0.5>")
        let memo = request.headers.memoized
        #expect(memo.to == nil)
        #expect(memo.from?.tag == "f1" && memo.topVia?.branch == "z9hG4bK-a" && memo.cseq?.number == 7)
    }

    @Test func replacingTheTopViaKeepsItParsedAndTheOthers() throws {
        var request = try parsedInvite()
        var via = try request.headers.topVia()
        via.parameters.set("received", "192.0.2.7")
        request.headers.replaceTopVia(via)
        #expect(request.headers.memoized.topVia == via)
        #expect(try request.headers.vias().map(\.branch) == ["z9hG4bK-a", "z9hG4bK-b"])
        #expect(try request.headers.vias()[0].parameters.value(named: "received") == .some("192.0.2.7"))
    }

    @Test func ourOwnViaIsKeptParsedOnlyWhenItIsTheTopOne() throws {
        var headers = SIPHeaders()
        let ours = try Via(parsing: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-ours;rport")
        headers.addVia(ours)
        #expect(headers.memoized.topVia == ours)
        #expect(headers.values("Via") == [ours.serialized])
        // A second Via goes below the first; the top one stays what it was.
        headers.addVia(try Via(parsing: "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-below"))
        #expect(try headers.topVia().branch == "z9hG4bK-ours")
        #expect(try headers.vias().map(\.branch) == ["z9hG4bK-ours", "z9hG4bK-below"])
    }

    @Test func typedFromToAndCSeqAreKeptAsTheParserWouldKeepThem() throws {
        // What we memoize must be what parsing our own text gives back.
        var headers = SIPHeaders()
        let from = NameAddress(
            displayName: "Kovács \"Kati\" Ügyfélszolgálat", uri: try SIPURI(parsing: "sip:1001@pbx.example;transport=tcp"),
            parameters: [SIPParameter(name: "tag", value: "a1b2")])
        let to = NameAddress(uri: try SIPURI(parsing: "sip:+3612345678@pbx.example"))
        headers.add("From", from)
        headers.add("To", to)
        headers.add(CSeq(42, .invite))
        #expect(headers.memoized.from == from && headers.memoized.to == to && headers.memoized.cseq?.number == 42)
        #expect(try NameAddress(parsing: try #require(headers["From"])) == from)
        #expect(try NameAddress(parsing: try #require(headers["To"])) == to)
        #expect(try CSeq(parsing: try #require(headers["CSeq"])) == CSeq(42, .invite))
        // A second To is no longer "the" To: the memo is dropped, the accessor parses the first.
        headers.add("To", NameAddress(uri: try SIPURI(parsing: "sip:other@pbx.example")))
        #expect(headers.memoized.to == nil)
        #expect(try headers.to() == to)
    }

    @Test func equalityComparesTheFieldsOnly() throws {
        let parsed = try parsedInvite()
        var rebuilt = SIPHeaders()
        for field in parsed.headers { rebuilt.add(field.name, field.value) }
        #expect(rebuilt.memoized.to == nil)
        #expect(rebuilt == parsed.headers)
    }

    /// Copies share the parsed values until one changes them: the other keeps its own.
    @Test func aCopyThatChangesAMemoizedHeaderLeavesTheOriginalAlone() throws {
        let original = try parsedInvite()
        var copy = original
        var via = try copy.headers.topVia()
        via.parameters.set("received", "192.0.2.9")
        copy.headers.replaceTopVia(via)
        copy.headers["To"] = "<sip:1002@pbx>;tag=changed"
        copy.headers.add(CSeq(99, .invite))
        #expect(try copy.headers.topVia().parameters.value(named: "received") == .some("192.0.2.9"))
        #expect(copy.headers.memoized.to == nil)
        #expect(original.headers.memoized.topVia?.parameters.value(named: "received") == nil)
        #expect(original.headers.memoized.to != nil)
        #expect(try original.headers.cseq().number == 7)
        #expect(try original.headers.to().tag == nil)
        // And the other way round: a change to the original after the copy.
        var second = original
        second.headers.remove("From")
        #expect(original.headers.memoized.from?.tag == "f1")
        #expect(second.headers.memoized.from == nil)
    }

    /// Headers that own their memo alone change it in place: a message built header by header
    /// (From, To, CSeq, Via) keeps one box, and only a shared box is copied.
    @Test func anUnsharedMemoIsChangedInPlace() throws {
        var headers = SIPHeaders()
        headers.add("From", try NameAddress(parsing: "<sip:1001@pbx>;tag=f1"))
        let box = try #require(headers.memoBoxIdentity)
        headers.add("To", try NameAddress(parsing: "<sip:1002@pbx>"))
        headers.add(CSeq(1, .invite))
        headers.addVia(try Via(parsing: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1"))
        #expect(headers.memoBoxIdentity == box)
        #expect(headers.memoized.from?.tag == "f1" && headers.memoized.cseq?.number == 1)

        var copy = headers
        copy.add("To", try NameAddress(parsing: "<sip:1003@pbx>"))  // a second To: forgets the first
        #expect(copy.memoBoxIdentity != box)
        #expect(headers.memoBoxIdentity == box)
        #expect(copy.memoized.to == nil && headers.memoized.to != nil)
    }

    /// A message kept only to be sent again lets go of its parsed values; its text and its
    /// typed accessors (parsing again) are unchanged, and the original keeps its memo.
    @Test func aRequestKeptForResendingHasTheSameTextWithoutTheParsedValues() throws {
        let original = try parsedInvite()
        let kept = original.keptForResending()
        #expect(kept.headers.memoized.from == nil && kept.headers.memoized.topVia == nil)
        #expect(kept.headers.memoized.to == nil && kept.headers.memoized.cseq == nil)
        #expect(kept == original)
        #expect(kept.serialized() == original.serialized())
        #expect(try kept.headers.from().tag == "f1")
        #expect(try kept.headers.topVia().branch == "z9hG4bK-a")
        #expect(original.headers.memoized.from?.tag == "f1")
    }

    /// The tag accessors read the memo in place and agree with the parsed address; without a
    /// memo they parse, and a malformed header throws as `from()`/`to()` do.
    @Test func theTagAccessorsAgreeWithTheAddressesWithOrWithoutAMemo() throws {
        let request = try parsedInvite()
        #expect(request.headers.memoizedFromTag == .some("f1") && request.headers.memoizedToTag == .some(nil))
        #expect(try request.headers.fromTag() == "f1" && request.headers.toTag() == nil)
        let kept = request.keptForResending()
        #expect(kept.headers.memoizedFromTag == nil && kept.headers.memoizedToTag == nil)
        #expect(try kept.headers.fromTag() == "f1" && kept.headers.toTag() == nil)
        var changed = request
        changed.headers["To"] = "<sip:1002@pbx>;tag=t7"
        #expect(try changed.headers.toTag() == "t7")
        changed.headers["From"] = "<sip:1001@pbx"  // no closing bracket
        #expect(throws: SIPParseError.self) { try changed.headers.fromTag() }
        changed.headers.remove("To")
        #expect(throws: SIPParseError.self) { try changed.headers.toTag() }
    }
}
