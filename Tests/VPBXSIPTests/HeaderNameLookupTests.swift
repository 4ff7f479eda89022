import Testing

@testable import VPBXSIP

/// The hashing-free lookup of the most used header names must agree with the table it
/// short-cuts, and leave every other spelling to the table.
@Suite("Header name lookup")
struct HeaderNameLookupTests {
    @Test func everyCommonSpellingAgreesWithTheTable() throws {
        for name in SIPHeaders.commonSpellingNames {
            let common = try #require(SIPHeaders.commonSpellings(name), "\(name)")
            let known = try #require(SIPHeaders.knownSpellings[name], "\(name) is not in the table")
            #expect(common.canonical == known.canonical && common.key == known.key, "\(name)")
            #expect(common.key == name.lowercased())
        }
    }

    @Test func otherSpellingsOfTheSameLengthFallThroughToTheTable() {
        // Same length as a common name but another spelling: lower case, compact forms, unknown
        // names, near misses.
        for name in ["to", "TO", "via", "VIA", "from", "cseq", "call-id", "CALL-ID", "contact", "Contacts", "Vie", "T", "i", "X-Via"] {
            #expect(SIPHeaders.commonSpellings(name) == nil, "\(name)")
        }
        #expect(SIPHeaders.names("call-id") == ("Call-ID", "call-id"))
        #expect(SIPHeaders.names("i") == ("Call-ID", "call-id"))
        #expect(SIPHeaders.names("X-Custom") == ("X-Custom", "x-custom"))
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
