import VPBXText

extension SessionDescription {
    /// Parses an SDP body.
    ///
    /// Accepts LF or CRLF line ends and blank lines, keeps unknown line types verbatim, and
    /// tolerates a missing `s=` or `t=` (filled with `-` and `0 0`), as real phones do. It
    /// rejects text whose lines are not `<letter>=<value>`, a first line other than `v=0`, a
    /// missing `o=`, and malformed `o=`, `c=`, `t=`, `m=` and `a=` lines, naming the line.
    public init(parsing text: String) throws(SDPError) {
        // By byte offset (``ByteText``): every SDP delimiter is ASCII, and stepping String
        // indices or Characters cost more than the rest of the parse.
        let parsed = ByteText.with(Substring(text)) { bytes -> Result<SessionDescription, SDPError> in
            do throws(SDPError) {
                return .success(try Self.parse(bytes))
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    private static func parse(_ bytes: ByteText) throws(SDPError) -> SessionDescription {
        var parser = Parser(bytes: bytes)
        var lineNumber = 0
        var start = 0
        let end = bytes.bytes.count
        // Lines end in CRLF or a bare LF.
        while start <= end {
            let (line, next) = bytes.line(from: start, end: end)
            lineNumber += 1
            if !bytes.allSatisfy(line, ByteText.isBlank) { try parser.consume(line, number: lineNumber) }
            start = next
        }
        return try parser.finish()
    }
}

/// Line-by-line SDP reader; one instance per body.
private struct Parser {
    let bytes: ByteText
    private var version: Int?
    private var origin: Origin?
    private var sessionName: String?
    private var connection: Connection?
    private var timing: [Timing] = []
    private var otherFields: [SDPField] = []
    private var attributes: [Attribute] = []
    private var media: [MediaDescription] = []

    init(bytes: ByteText) { self.bytes = bytes }

    mutating func consume(_ line: Range<Int>, number: Int) throws(SDPError) {
        let first = bytes[line.lowerBound]
        guard (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"), line.count >= 2,
            bytes[line.lowerBound + 1] == UInt8(ascii: "=")
        else {
            throw SDPError(.malformedLine, line: number, "expected '<letter>=<value>', got '\(bytes.string(line).prefix(80))'")
        }
        let value = (line.lowerBound + 2)..<line.upperBound

        if version == nil {
            guard first == UInt8(ascii: "v") else {
                throw SDPError(
                    .missingField, line: number, "expected 'v=0' as the first line, got '\(bytes.string(line).prefix(80))'")
            }
            guard let parsed = Int(bytes.string(value)), parsed == 0 else {
                throw SDPError(.invalidValue, line: number, "expected 'v=0', got 'v=\(bytes.string(value))'")
            }
            version = parsed
            return
        }

        if !media.isEmpty {
            try consumeMediaLine(type: first, value: value, number: number)
            return
        }
        // By byte: matching Characters compares strings.
        switch first {
        case UInt8(ascii: "v"):
            throw SDPError(.malformedLine, line: number, "'v=' may appear only once, at the start")
        case UInt8(ascii: "o"):
            guard origin == nil else { throw SDPError(.malformedLine, line: number, "'o=' may appear only once") }
            origin = try Origin(parsing: bytes, value, line: number)
        case UInt8(ascii: "s"):
            sessionName = bytes.string(value)
        case UInt8(ascii: "c"):
            connection = try Connection(parsing: bytes, value, line: number)
        case UInt8(ascii: "t"):
            timing.append(try Timing(parsing: bytes, value, line: number))
        case UInt8(ascii: "r"):
            guard !timing.isEmpty else { throw SDPError(.malformedLine, line: number, "'r=' must follow a 't=' line") }
            timing[timing.count - 1].repeats.append(bytes.string(value))
        case UInt8(ascii: "a"):
            attributes.append(try Attribute(parsing: bytes, value, line: number))
        case UInt8(ascii: "m"):
            media.append(try MediaDescription(parsing: bytes, value, line: number))
        default:
            otherFields.append(SDPField(type: Character(Unicode.Scalar(first)), value: bytes.string(value)))
        }
    }

    private mutating func consumeMediaLine(type: UInt8, value: Range<Int>, number: Int) throws(SDPError) {
        let last = media.count - 1
        switch type {
        case UInt8(ascii: "m"):
            media.append(try MediaDescription(parsing: bytes, value, line: number))
        case UInt8(ascii: "c"):
            // RFC 8866 allows several c= lines for layered multicast; unicast SIP uses one,
            // so the first wins.
            if media[last].connection == nil { media[last].connection = try Connection(parsing: bytes, value, line: number) }
        case UInt8(ascii: "a"):
            media[last].attributes.append(try Attribute(parsing: bytes, value, line: number))
        default:
            media[last].otherFields.append(SDPField(type: Character(Unicode.Scalar(type)), value: bytes.string(value)))
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
