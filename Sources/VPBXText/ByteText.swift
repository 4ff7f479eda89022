/// UTF-8 text read by integer offset: the fast path of the SIP header and SDP parsers.
///
/// Stepping `Substring.UTF8View` indices costs bounds and alignment checks on every byte,
/// several times the scan itself (stop 17: a `sip:` URI took 730 ns that way, 170 ns this
/// way). Every delimiter SIP and SDP use is ASCII, so the parsers find them here and cut
/// Strings only for the values they keep. Inlinable throughout: these are called per byte
/// range from other modules.
@frozen
public struct ByteText {
    public let bytes: UnsafeBufferPointer<UInt8>

    @inlinable public init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Calls `body` with the bytes of `text`: in place for native strings, else copied.
    @inlinable
    public static func with<Result>(_ text: Substring, _ body: (ByteText) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(ByteText(bytes: $0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBufferPointer { body(ByteText(bytes: $0)) }
    }

    @inlinable public var all: Range<Int> { 0..<bytes.count }

    @inlinable public subscript(index: Int) -> UInt8 { bytes[index] }

    @inlinable
    public func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    @inlinable
    public func first(_ byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// How many times `byte` occurs in `range`.
    @inlinable
    public func count(_ byte: UInt8, in range: Range<Int>) -> Int {
        var count = 0
        for index in range where bytes[index] == byte { count += 1 }
        return count
    }

    @inlinable
    public func last(_ byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.upperBound
        while index > range.lowerBound {
            index -= 1
            if bytes[index] == byte { return index }
        }
        return nil
    }

    @inlinable
    public func firstBlank(in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if Self.isBlank(bytes[index]) { return index }
            index += 1
        }
        return nil
    }

    /// The line starting at `start`: up to the next LF or `end`, without one CR at its end
    /// (CRLF and bare LF line ends alike); and where the line after it starts (past `end`
    /// when this was the last).
    @inlinable
    public func line(from start: Int, end: Int) -> (line: Range<Int>, next: Int) {
        let lineFeed = first(UInt8(ascii: "\n"), in: start..<end) ?? end
        var lineEnd = lineFeed
        if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        return (start..<lineEnd, lineFeed + 1)
    }

    /// Without the spaces and tabs at either end.
    @inlinable
    public func trimmed(_ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, Self.isBlank(bytes[start]) { start += 1 }
        while end > start, Self.isBlank(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    @inlinable
    public func allSatisfy(_ range: Range<Int>, _ predicate: (UInt8) -> Bool) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            if !predicate(bytes[index]) { return false }
            index += 1
        }
        return true
    }

    @inlinable
    public func hasPrefix(_ prefix: StaticString, in range: Range<Int>) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard range.count >= count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[range.lowerBound + offset] != start[offset] { return false }
        return true
    }

    /// True when the bytes spell `lowercase` in any ASCII case.
    @inlinable
    public func equalsIgnoringCase(_ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let start = lowercase.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] | 0x20 != start[offset] { return false }
        return true
    }

    /// The non-empty parts between `separator` bytes, as the standard
    /// `split(separator:maxSplits:omittingEmptySubsequences: true)` cuts them: after
    /// `maxSplits` parts the rest, separators and all, is the last part.
    @inlinable
    public func split(_ range: Range<Int>, at separator: UInt8, maxSplits: Int = .max) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        // Room for every part at once: grown as parts turned up, a start line's three parts
        // took three allocations and an SDP origin line's six four.
        parts.reserveCapacity(Swift.min(count(separator, in: range), maxSplits) + 1)
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound, parts.count < maxSplits {
            if bytes[index] == separator {
                if index > start { parts.append(start..<index) }
                start = index + 1
            }
            index += 1
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    /// A non-negative decimal number of plain digits that fits `limit`; nil for anything else
    /// (a sign, a blank, no digits, too large), which the callers' general paths then judge.
    @inlinable
    public func decimal(_ range: Range<Int>, upTo limit: UInt64 = UInt64(Int64.max)) -> UInt64? {
        guard !range.isEmpty, range.count <= 19 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value <= limit ? value : nil
    }

    @inlinable
    public static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}
