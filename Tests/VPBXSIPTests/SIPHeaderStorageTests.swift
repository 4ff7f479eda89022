import Testing

@testable import VPBXSIP

/// `SIPHeaders` keeps names and values as bytes in one buffer per message: what goes in must
/// come out the same whichever way it went in, and what is kept must not carry what a change
/// left behind.
@Suite("SIP headers: byte storage")
struct SIPHeaderStorageTests {
    private func parse(_ text: String) throws -> SIPMessage { try SIPParser().parse(Array(text.utf8)) }

    private let invite =
        "INVITE sip:1002@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-s1\r\n"
        + "From: \"Ádám Ős\" <sip:1001@pbx>;tag=f1\r\nTo: <sip:1002@pbx>\r\ni: storage-1@10.0.0.5\r\nCSeq: 7 INVITE\r\n"
        + "x-Account-CODE: Kód=ÉŐ\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"

    @Test func aParsedMessageWritesItsLinesBackByteForByte() throws {
        let message = try parse(invite)
        let written = String(decoding: message.serialized(), as: UTF8.self)
        // Compact names come out in full; everything else as it arrived, accents included.
        #expect(written == invite.replacingOccurrences(of: "\r\ni: ", with: "\r\nCall-ID: "))
        #expect(message.headers["X-ACCOUNT-code"] == "Kód=ÉŐ")
        #expect(message.headers.map(\.name).contains("x-Account-CODE"))
    }

    @Test func fieldsCompareEqualHoweverTheyWereStored() throws {
        let parsed = try parse(invite).headers
        var built = SIPHeaders()
        for field in parsed { built.add(field.name, field.value) }
        #expect(built == parsed)
        var changed = built
        changed["Max-Forwards"] = "69"
        #expect(changed != parsed)
        changed["Max-Forwards"] = "70"
        #expect(changed == parsed)  // the old bytes left behind do not count
        var respelled = built
        respelled.remove("x-account-code")
        respelled.add("X-Account-Code", "Kód=ÉŐ")
        #expect(respelled != parsed)  // a name not in the table compares as spelled
    }

    @Test func whatIsKeptHasStorageOfItsOwnSize() throws {
        guard case .request(var request) = try parse(invite) else { throw SIPParseError.bad("expected a request") }
        request.headers["To"] = "<sip:1002@pbx>;tag=a-long-tag-that-leaves-the-old-value-behind"
        let kept = request.keptForResending().headers
        #expect(kept == request.headers)
        #expect(kept.storedBytes < request.headers.storedBytes)
        #expect(kept.byteCapacity == kept.storedBytes || kept.byteCapacity < request.headers.byteCapacity)
        let trimmed = request.trimmedForMatching().headers
        #expect(trimmed.map(\.name) == ["Via", "From", "To", "Call-ID", "CSeq"])
        #expect(trimmed["To"] == "<sip:1002@pbx>;tag=a-long-tag-that-leaves-the-old-value-behind")
        #expect(trimmed.storedBytes == trimmed.byteCount(of: SIPRequest.matchingKeys))
    }

    @Test func aResponseCopiesTheRequestsLinesAndKeepsItsToParsedWithTheTag() throws {
        guard case .request(let request) = try parse(invite) else { throw SIPParseError.bad("expected a request") }
        let response = SIPResponse(to: request, status: 486, toTag: "t-486")
        #expect(response.headers.map(\.name) == ["Via", "From", "To", "Call-ID", "CSeq"])
        #expect(response.headers["From"] == "\"Ádám Ős\" <sip:1001@pbx>;tag=f1")
        #expect(response.headers["To"] == "<sip:1002@pbx>;tag=t-486")
        #expect(response.headers.memoized.to?.tag == "t-486")
        #expect(try response.headers.to() == NameAddress(parsing: "<sip:1002@pbx>;tag=t-486"))
        // A 100 gets no tag; a request that had one keeps it.
        #expect(SIPResponse(to: request, status: 100, toTag: "t-100").headers["To"] == "<sip:1002@pbx>")
        let parsedBack = try parse(String(decoding: response.serialized(), as: UTF8.self))
        var written = response.headers
        written.add("Content-Length", "0")
        #expect(parsedBack.headers == written)
    }

    @Test func callIDIsKeptAsAStringUntilItChanges() throws {
        guard case .request(var request) = try parse(invite) else { throw SIPParseError.bad("expected a request") }
        #expect(request.headers.memoized.callID == "storage-1@10.0.0.5")
        #expect(request.headers.callID == "storage-1@10.0.0.5")
        request.headers["Call-ID"] = "storage-2@10.0.0.5"
        #expect(request.headers.memoized.callID == nil)
        #expect(request.headers.callID == "storage-2@10.0.0.5")
        request.headers.remove("i")
        #expect(request.headers.callID == nil)
        var built = SIPHeaders()
        built.add("Call-ID", "built-1")
        #expect(built.memoized.callID == "built-1")
        built.add("Call-ID", "built-2")  // a second line: the memo lets go, the first still answers
        #expect(built.callID == "built-1")
    }

    @Test func aMessageBuiltLineByLineReservesOnceAndKeepsRoomItsBuilderReserved() {
        var fresh = SIPHeaders()
        fresh.add("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-r1")
        #expect(fresh.fieldCapacity >= SIPHeaders.builtLines && fresh.byteCapacity >= SIPHeaders.builtBytes)
        // A dialog reserves its line count before its first line: that room stays.
        var reserved = SIPHeaders()
        reserved.reserveCapacity(3)
        let room = reserved.fieldCapacity
        reserved.add("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-r2")
        reserved.add("Call-ID", "reserve-1")
        #expect(reserved.fieldCapacity == room)
        #expect(reserved.byteCapacity >= SIPHeaders.builtBytes)
    }

    @Test func namesNotInTheTableAreFoundInAnyCaseAndRemovedWhole() {
        var headers = SIPHeaders()
        headers.add("X-Trace", "one")
        headers.prepend("x-trace", "zero")
        headers.add("X-Tracer", "other")
        #expect(headers.lines("X-TRACE") == ["zero", "one"])
        #expect(headers.map(\.name) == ["x-trace", "X-Trace", "X-Tracer"])
        headers["X-Trace"] = "only"
        #expect(headers.lines("x-trace") == ["only"] && headers["X-Tracer"] == "other")
        headers.remove("X-TRACE")
        #expect(headers.count == 1 && headers["x-tracer"] == "other")
    }
}
