import Testing
import VPBXText

/// `ByteText` cuts what the standard library would, by offset.
@Suite struct ByteTextTests {
    func read<Result>(_ text: String, _ body: (ByteText) -> Result) -> Result {
        ByteText.with(Substring(text), body)
    }

    @Test(arguments: ["a b  c", "  lead and trail  ", "", "   ", "one", "x/y//z/", "ő ű  é"])
    func splitCutsAsTheStandardSplitDoes(text: String) {
        for maxSplits in [0, 1, 2, Int.max] {
            for separator in [UInt8(ascii: " "), UInt8(ascii: "/")] {
                let parts = read(text) { bytes in bytes.split(bytes.all, at: separator, maxSplits: maxSplits).map(bytes.string) }
                let expected = text.utf8.split(separator: separator, maxSplits: maxSplits, omittingEmptySubsequences: true)
                    .map { String(decoding: $0, as: UTF8.self) }
                #expect(parts == expected, "'\(text)' at \(separator), maxSplits \(maxSplits)")
            }
        }
    }

    @Test func linesEndAtLFWithACRBeforeItDropped() {
        let text = "a\r\nb\n\r\nc\r\rd\r"
        let lines = read(text) { bytes -> [String] in
            var lines: [String] = []
            var start = 0
            while start <= bytes.bytes.count {
                let (line, next) = bytes.line(from: start, end: bytes.bytes.count)
                lines.append(bytes.string(line))
                start = next
            }
            return lines
        }
        #expect(lines == ["a", "b", "", "c\r\rd"])
        #expect(read("") { $0.line(from: 0, end: 0).next } == 1)
    }

    @Test func trimmedDropsSpacesAndTabsOnly() {
        #expect(read(" \t a b \t") { $0.string($0.trimmed($0.all)) } == "a b")
        #expect(read("\r\na\n") { $0.string($0.trimmed($0.all)) } == "\r\na\n")
        #expect(read("  ") { $0.trimmed($0.all).isEmpty })
    }

    @Test func firstAndLastFindBytesInsideTheRangeOnly() {
        read("a@b@c") { bytes in
            #expect(bytes.first(UInt8(ascii: "@"), in: bytes.all) == 1)
            #expect(bytes.last(UInt8(ascii: "@"), in: bytes.all) == 3)
            #expect(bytes.first(UInt8(ascii: "@"), in: 2..<3) == nil)
            #expect(bytes.firstBlank(in: bytes.all) == nil)
        }
    }

    @Test func prefixesAndCaseInsensitiveWords() {
        read("SIP/2.0/UDP") { bytes in
            #expect(bytes.hasPrefix("SIP/2.0/", in: bytes.all))
            #expect(!bytes.hasPrefix("SIP/2.0/UDP host", in: bytes.all))
            #expect(bytes.equalsIgnoringCase(0..<3, "sip"))
            #expect(!bytes.equalsIgnoringCase(0..<3, "sips"))
        }
    }

    @Test(arguments: [
        ("0", UInt64(0)), ("65535", 65535), ("18446744073709551615", nil), ("9999999999999999999", 9_999_999_999_999_999_999),
        ("+5", nil), ("-1", nil), ("", nil), ("1 2", nil), ("٣", nil),
    ] as [(String, UInt64?)])
    func decimalsArePlainDigitsOnly(text: String, value: UInt64?) {
        #expect(read(text) { $0.decimal($0.all, upTo: .max) } == value)
    }

    @Test func aDecimalAboveTheLimitIsRefused() {
        #expect(read("65536") { $0.decimal($0.all, upTo: 65535) } == nil)
        #expect(read("65535") { $0.decimal($0.all, upTo: 65535) } == 65535)
    }
}
