extension SessionDescription {
    /// Parses an SDP body.
    ///
    /// Accepts LF or CRLF line ends and blank lines, keeps unknown line types verbatim, and
    /// tolerates a missing `s=` or `t=` (filled with `-` and `0 0`), as real phones do. It
    /// rejects text whose lines are not `<letter>=<value>`, a first line other than `v=0`, a
    /// missing `o=`, and malformed `o=`, `c=`, `t=`, `m=` and `a=` lines, naming the line.
    public init(parsing text: String) throws(SDPError) {
        var parser = Parser()
        var lineNumber = 0
        // Lines end in CRLF or a bare LF. Split by byte: splitting by Character costs grapheme
        // breaking on every byte of every body.
        for bytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes)
            if line.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            try parser.consume(line, number: lineNumber)
        }
        self = try parser.finish()
    }
}

/// Line-by-line SDP reader; one instance per body.
private struct Parser {
    private var version: Int?
    private var origin: Origin?
    private var sessionName: String?
    private var connection: Connection?
    private var timing: [Timing] = []
    private var otherFields: [SDPField] = []
    private var attributes: [Attribute] = []
    private var media: [MediaDescription] = []

    mutating func consume(_ line: Substring, number: Int) throws(SDPError) {
        // By byte: `<letter>=` is ASCII, and counting Characters costs grapheme breaking.
        let bytes = line.utf8
        guard let first = bytes.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
            let valueStart = bytes.index(bytes.startIndex, offsetBy: 2, limitedBy: bytes.endIndex),
            bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "=")
        else {
            throw SDPError(.malformedLine, line: number, "expected '<letter>=<value>', got '\(line.prefix(80))'")
        }
        let type = Character(Unicode.Scalar(first))
        let value = line[valueStart...]

        if version == nil {
            guard type == "v" else {
                throw SDPError(
                    .missingField, line: number, "expected 'v=0' as the first line, got '\(line.prefix(80))'")
            }
            guard let parsed = Int(value), parsed == 0 else {
                throw SDPError(.invalidValue, line: number, "expected 'v=0', got 'v=\(value)'")
            }
            version = parsed
            return
        }

        if !media.isEmpty {
            try consumeMediaLine(type: type, value: value, number: number)
            return
        }
        switch type {
        case "v":
            throw SDPError(.malformedLine, line: number, "'v=' may appear only once, at the start")
        case "o":
            guard origin == nil else { throw SDPError(.malformedLine, line: number, "'o=' may appear only once") }
            origin = try Origin(parsing: value, line: number)
        case "s":
            sessionName = String(value)
        case "c":
            connection = try Connection(parsing: value, line: number)
        case "t":
            timing.append(try Timing(parsing: value, line: number))
        case "r":
            guard !timing.isEmpty else { throw SDPError(.malformedLine, line: number, "'r=' must follow a 't=' line") }
            timing[timing.count - 1].repeats.append(String(value))
        case "a":
            attributes.append(try Attribute(parsing: value, line: number))
        case "m":
            media.append(try MediaDescription(parsing: value, line: number))
        default:
            otherFields.append(SDPField(type: type, value: String(value)))
        }
    }

    private mutating func consumeMediaLine(type: Character, value: Substring, number: Int) throws(SDPError) {
        let last = media.count - 1
        switch type {
        case "m":
            media.append(try MediaDescription(parsing: value, line: number))
        case "c":
            // RFC 8866 allows several c= lines for layered multicast; unicast SIP uses one,
            // so the first wins.
            if media[last].connection == nil { media[last].connection = try Connection(parsing: value, line: number) }
        case "a":
            media[last].attributes.append(try Attribute(parsing: value, line: number))
        default:
            media[last].otherFields.append(SDPField(type: type, value: String(value)))
        }
    }

    func finish() throws(SDPError) -> SessionDescription {
        guard let version else {
            throw SDPError(.missingField, "the body is empty: expected 'v=0' then 'o=', 's=', 't=' lines")
        }
        guard let origin else { throw SDPError(.missingField, "missing the mandatory 'o=' line") }
        return SessionDescription(
            version: version, origin: origin, sessionName: sessionName ?? "-", connection: connection,
            timing: timing.isEmpty ? [Timing()] : timing, otherFields: otherFields,
            attributes: attributes, media: media)
    }
}
