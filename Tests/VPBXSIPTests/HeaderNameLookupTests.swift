import Testing

@testable import VPBXSIP

/// The hashing-free lookup of the most used header names must agree with the table it
/// short-cuts, and leave every other spelling to the table.
@Suite("Header name lookup")
struct HeaderNameLookupTests {
    @Test func everyCommonSpellingAgreesWithTheTable() throws {
        for name in SIPHeaderName.commonSpellingNames {
            let common = try #require(SIPHeaderName.commonSpellingID(name), "\(name)")
            let known = try #require(SIPHeaderName.idsBySpelling[name], "\(name) is not in the table")
            #expect(common == known, "\(name)")
            #expect(SIPHeaderName.canonicalNames[Int(common)] == name)
            #expect(SIPHeaderName(id: common).key == name.lowercased())
        }
    }

    @Test func otherSpellingsOfTheSameLengthFallThroughToTheTable() {
        // Same length as a common name but another spelling: lower case, compact forms, unknown
        // names, near misses.
        for name in ["to", "TO", "via", "VIA", "from", "cseq", "call-id", "CALL-ID", "contact", "Contacts", "Vie", "T", "i", "X-Via"] {
            #expect(SIPHeaderName.commonSpellingID(name) == nil, "\(name)")
        }
        for spelling in ["call-id", "CALL-ID", "cAll-iD", "i", "I", "Call-ID"] {
            let (name, canonical) = SIPHeaderName.resolve(spelling)
            #expect(name == .callID && canonical == "Call-ID" && name.key == "call-id", "\(spelling)")
        }
        let (custom, spelled) = SIPHeaderName.resolve("X-Custom")
        #expect(custom.id == 0 && custom.key == "x-custom" && spelled == "X-Custom")
        #expect(SIPHeaderName.resolve("x-CUSTOM").name == custom)
    }

    @Test func theNamesTheCallPathUsesByNumberAreTheirNames() {
        let byNumber: [(SIPHeaderName, String)] = [
            (.via, "Via"), (.from, "From"), (.to, "To"), (.callID, "Call-ID"), (.cseq, "CSeq"), (.route, "Route"),
            (.recordRoute, "Record-Route"), (.contentLength, "Content-Length"),
        ]
        for (name, spelling) in byNumber {
            #expect(SIPHeaderName.named(spelling) == name, "\(spelling)")
            #expect(SIPHeaderName.canonicalNames[Int(name.id)] == spelling)
        }
        for id in 0..<UInt16(SIPHeaderName.canonicalNames.count) {
            let name = SIPHeaderName(id: id)
            #expect(name.isMemoized == SIPHeaderName.memoized.contains(name), "\(SIPHeaderName.canonicalNames[Int(id)])")
        }
    }

    @Test func everyCompactFormExpandsToAKnownName() throws {
        for (compact, full) in SIPHeaderName.compactForms {
            let id = try #require(SIPHeaderName.idsBySpelling[full], "\(full)")
            #expect(SIPHeaderName.resolve(compact).name.id == id && SIPHeaderName.resolve(compact.uppercased()).canonical == full)
        }
    }

    @Test func lookupsFindLinesWhateverSpellingTheyArrivedIn() {
        var headers = SIPHeaders()
        headers.add("v", "SIP/2.0/UDP a.example;branch=z9hG4bK1")
        headers.add("CALL-ID", "abc")
        headers.add("Content-Length", "0")
        #expect(headers["Via"] == "SIP/2.0/UDP a.example;branch=z9hG4bK1")
        #expect(headers["Call-ID"] == "abc" && headers["call-id"] == "abc" && headers["i"] == "abc")
        #expect(headers["l"] == "0")
        #expect(headers.map(\.name) == ["Via", "Call-ID", "Content-Length"])
    }
}
