import Testing

@testable import VPBXSIP

/// Lists and parameter lists split at top-level separators only: commas and semicolons inside
/// quotes or `<...>` are data.
@Suite struct HeaderValueScannerTests {
    let list: Substring = #" "Doe, John" <sip:a@x;lr,b>;tag=1 , <sip:c@y> ,, d "#

    @Test func aListSplitsAtTopLevelCommasAndSkipsEmptyElements() {
        #expect(HeaderValueScanner.splitList(list) == [#""Doe, John" <sip:a@x;lr,b>;tag=1"#, "<sip:c@y>", "d"])
    }

    /// Non-ASCII text before a separator: the elements are still cut at the right bytes, and
    /// an escaped quote does not end the quoted string.
    @Test func escapedQuotesAndAccentsDoNotMoveTheCuts() {
        let accented: Substring = #" "Kovács \"Kó, Anna\"" <sip:a@x>,  Ödön <sip:b@y>;tag=ő "#
        let expected: [Substring] = [#""Kovács \"Kó, Anna\"" <sip:a@x>"#, "Ödön <sip:b@y>;tag=ő"]
        #expect(HeaderValueScanner.splitList(accented) == expected)
        #expect(HeaderValueScanner.splitList(accented.dropFirst()) == expected, "a slice not at its string's start")
    }

    @Test func theFirstElementIsTheSplitListsFirstWithoutScanningFurther() {
        #expect(HeaderValueScanner.firstElement(of: list) == HeaderValueScanner.splitList(list).first)
        #expect(HeaderValueScanner.firstElement(of: " , ,") == nil)
        #expect(HeaderValueScanner.firstElement(of: "SIP/2.0/UDP h;branch=z9hG4bK-1") == "SIP/2.0/UDP h;branch=z9hG4bK-1")
        var visited: [Substring] = []
        HeaderValueScanner.forEachElement(of: list, separator: UInt8(ascii: ",")) { element in
            visited.append(element)
            return visited.count < 2
        }
        #expect(visited.count == 2, "stops when told to")
    }

    @Test func parametersKeepOrderQuotesAndValuelessNames() {
        let parameters = HeaderValueScanner.parameters(#";branch=z9hG4bK-7 ; rport;x="a;b=c" ;lr"#)
        #expect(parameters.map(\.name) == ["branch", "rport", "x", "lr"])
        #expect(parameters.map(\.value) == ["z9hG4bK-7", nil, #""a;b=c""#, nil])
        #expect(HeaderValueScanner.parameters("").isEmpty)
    }
}
