import Testing

@testable import VPBXSDP

/// The hand-written split must give exactly what the standard library's split gives.
@Suite struct ASCIISplitTests {
    @Test(arguments: [
        "", " ", "  ", "a", "a b", " a b ", "a  b", "o=- 1 2 IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP 0 8 101",
        "a  b  c  ", "   x", "é ü ő", "0 PCMU/8000", "a\u{00A0}b c",
    ])
    func agreesWithTheStandardSplit(text: String) {
        let substring = Substring(text)
        for omitting in [true, false] {
            for maxSplits in [0, 1, 2, 3, 5, Int.max] {
                let expected = substring.utf8.split(
                    separator: UInt8(ascii: " "), maxSplits: maxSplits, omittingEmptySubsequences: omitting
                ).map { Substring($0) }
                let split = substring.splitASCII(" ", maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                #expect(split == expected, "'\(text)' maxSplits \(maxSplits) omitting \(omitting)")
            }
        }
        #expect(Substring("PCMU/8000/1").splitASCII("/", omittingEmptySubsequences: false) == ["PCMU", "8000", "1"])
    }
}
