import VPBXText

/// The fast path of the typed header parsers (URI, name-address, Via, CSeq, parameters) on
/// a header value's bytes read by offset.
///
/// Stepping `Substring.UTF8View` indices costs bounds and alignment checks on every byte,
/// several times the scan itself: before this path a `sip:2000@127.0.0.1:5060` took about
/// 730 ns and a From header 1.2-1.8 µs, read for every message. The fast paths read the
/// common shapes here and give up (return nil) on anything unusual (escapes, IPv6 literals,
/// non-ASCII, signs, errors), which the Substring parsers then judge, so both paths give the
/// same values and the same error messages.
extension ByteText {
    /// A port written as one to five plain digits, 1...65535; nil for anything else (a sign,
    /// a blank, zero, too large), which the Substring parser then judges.
    func port(_ range: Range<Int>) -> Int? {
        guard range.count <= 5, let value = decimal(range, upTo: 65_535), value > 0 else { return nil }
        return Int(value)
    }

    /// `host[:port]` with an ASCII host name or IPv4 address; nil for IPv6 literals and
    /// anything ``SIPURI/splitHostPort(_:in:)`` would refuse or read by its Unicode path.
    func hostPort(_ range: Range<Int>) -> (host: String, port: Int?)? {
        guard !range.isEmpty, bytes[range.lowerBound] != ASCII.openBracket else { return nil }
        let colon = first(ASCII.colon, in: range)
        let host = range.lowerBound..<(colon ?? range.upperBound)
        guard !host.isEmpty, allSatisfy(host, SIPURI.isASCIIHostByte) else { return nil }
        guard let colon else { return (string(host), nil) }
        guard let port = port((colon + 1)..<range.upperBound) else { return nil }
        return (string(host), port)
    }

    /// `;a=b;c;d="e f"` (the leading `;` optional) into ordered parameters, exactly as
    /// ``HeaderValueScanner/parameters(_:)`` reads it: elements split at top-level semicolons,
    /// the name and value split at the first `=` and trimmed.
    func parameters(_ range: Range<Int>) -> [SIPParameter] {
        guard !range.isEmpty else { return [] }
        var parameters: [SIPParameter] = []
        // At most one more than the semicolons (fewer when one is quoted or a part empty):
        // grown one by one, a Via's branch, rport and received took three allocations.
        parameters.reserveCapacity(count(ASCII.semicolon, in: range) + 1)
        forEachElement(of: range, separator: ASCII.semicolon) { element in
            appendParameter(element, to: &parameters)
            return true
        }
        return parameters
    }

    /// The first element of a comma-separated list (a Via line may carry several), as
    /// ``HeaderValueScanner/firstElement(of:)`` finds it.
    func firstListElement(of range: Range<Int>) -> Range<Int>? {
        var first: Range<Int>?
        forEachElement(of: range, separator: ASCII.comma) { element in
            first = element
            return false
        }
        return first
    }

    /// Calls `body` with each trimmed, non-empty element separated by `separator` at the top
    /// level (outside quotes and `<...>`) until it returns false, as
    /// ``HeaderValueScanner/forEachElement(of:separator:_:)`` does.
    func forEachElement(of range: Range<Int>, separator: UInt8, _ body: (Range<Int>) -> Bool) {
        var quotes = QuotedStringTracker()
        var angleDepth = 0
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if quotes.isOutside(byte) {
                if byte == ASCII.lessThan {
                    angleDepth += 1
                } else if byte == ASCII.greaterThan {
                    angleDepth = max(0, angleDepth - 1)
                } else if byte == separator && angleDepth == 0 {
                    let part = trimmed(start..<index)
                    if !part.isEmpty, !body(part) { return }
                    start = index + 1
                }
            }
            index += 1
        }
        let last = trimmed(start..<range.upperBound)
        if !last.isEmpty { _ = body(last) }
    }

    private func appendParameter(_ element: Range<Int>, to parameters: inout [SIPParameter]) {
        guard let equals = first(ASCII.equals, in: element) else {
            parameters.append(SIPParameter(name: string(element), value: nil))
            return
        }
        let name = trimmed(element.lowerBound..<equals)
        let value = trimmed((equals + 1)..<element.upperBound)
        parameters.append(SIPParameter(name: string(name), value: string(value)))
    }

    /// A display name as ``HeaderValueScanner/unquoted(_:)`` reads it, for ASCII text only
    /// (there one byte is one Character); nil for anything else.
    func unquotedASCII(_ range: Range<Int>) -> String? {
        guard allSatisfy(range, { $0 < 0x80 }) else { return nil }
        guard range.count >= 2, bytes[range.lowerBound] == ASCII.quote, bytes[range.upperBound - 1] == ASCII.quote else {
            return string(range)
        }
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard first(ASCII.backslash, in: inner) != nil else { return string(inner) }
        var result: [UInt8] = []
        result.reserveCapacity(inner.count)
        var escaped = false
        for index in inner {
            let byte = bytes[index]
            if escaped {
                result.append(byte)
                escaped = false
            } else if byte == ASCII.backslash {
                escaped = true
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The first `<` outside a quoted string, as ``NameAddress`` looks for it.
    func firstUnquotedAngle(in range: Range<Int>) -> Int? {
        var quotes = QuotedStringTracker()
        for index in range where quotes.isOutside(bytes[index]) && bytes[index] == ASCII.lessThan { return index }
        return nil
    }
}

/// Follows quoted strings (`"..."`, `\` escaping the next byte) through a header value, so
/// the scanners treat separators, `<` and `>` inside them as data.
struct QuotedStringTracker {
    private var inQuotes = false
    private var escaped = false

    /// Takes the next byte; true when it stands outside every quoted string (a quote that
    /// opens or closes one does not).
    mutating func isOutside(_ byte: UInt8) -> Bool {
        if escaped {
            escaped = false
            return false
        }
        if inQuotes {
            if byte == ASCII.backslash { escaped = true } else if byte == ASCII.quote { inQuotes = false }
            return false
        }
        if byte == ASCII.quote {
            inQuotes = true
            return false
        }
        return true
    }
}
