/// The parsed form of `Digest name=value, name="quoted value", ...` (RFC 7235 §2.1,
/// RFC 3261 §25.1). Names are lower-cased; values are unescaped; duplicates are rejected.
struct DigestParameters {
    /// More parameters than any real header carries; keeps hostile input bounded.
    static let maximumCount = 32

    private(set) var values: [String: String] = [:]
    /// Names in the order they appeared, for stable re-serialisation of unknown ones.
    private(set) var order: [String] = []

    init(parsing headerValue: String) throws(DigestError) {
        var scanner = Scanner(Array(headerValue.utf8))
        scanner.skipWhitespace()
        let scheme = scanner.token()
        guard scheme.lowercased() == "digest" else {
            let shown = scheme.isEmpty ? String(headerValue.prefix(20)) : scheme
            throw DigestError(.malformed, "expected the 'Digest' scheme, got '\(shown)'")
        }
        guard scanner.skipWhitespace() else {
            throw DigestError(.malformed, "expected parameters after 'Digest'")
        }
        while !scanner.isAtEnd {
            // Empty list elements ("a=1, , b=2") are allowed by the list grammar (RFC 7230 §7).
            if scanner.consume(UInt8(ascii: ",")) {
                scanner.skipWhitespace()
                continue
            }
            let name = scanner.token().lowercased()
            guard !name.isEmpty else {
                throw DigestError(.malformed, "expected a parameter name in Digest header, got '\(scanner.rest(20))'")
            }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: "=")) else {
                throw DigestError(.malformed, "expected '=' after Digest parameter '\(name)'")
            }
            scanner.skipWhitespace()
            let value: String
            if scanner.peek == UInt8(ascii: "\"") {
                guard let quoted = scanner.quotedString() else {
                    throw DigestError(.malformed, "unterminated quoted string in Digest parameter '\(name)'")
                }
                value = quoted
            } else {
                value = scanner.bareValue()
            }
            guard values[name] == nil else {
                throw DigestError(.malformed, "Digest parameter '\(name)' appears twice")
            }
            guard order.count < Self.maximumCount else {
                throw DigestError(.malformed, "too many Digest parameters (more than \(Self.maximumCount))")
            }
            values[name] = value
            order.append(name)
            scanner.skipWhitespace()
            guard scanner.isAtEnd || scanner.peek == UInt8(ascii: ",") else {
                throw DigestError(
                    .malformed, "expected ',' after Digest parameter '\(name)', got '\(scanner.rest(20))'")
            }
        }
    }

    subscript(name: String) -> String? { values[name] }

    func required(_ name: String) throws(DigestError) -> String {
        guard let value = values[name] else { throw DigestError.missing(name) }
        return value
    }
}

/// Byte cursor over a header value.
private struct Scanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }
    var peek: UInt8? { isAtEnd ? nil : bytes[index] }

    func rest(_ limit: Int) -> String {
        String(decoding: bytes[index...].prefix(limit), as: UTF8.self)
    }

    /// Skips spaces and tabs (and folded line breaks); returns whether any were skipped.
    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = index
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { index += 1 }
        return index > start
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// RFC 3261 token characters.
    mutating func token() -> String {
        let start = index
        while let byte = peek, Self.isTokenByte(byte) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// An unquoted value: up to the next comma or whitespace. Looser than `token` because
    /// some clients send unquoted URIs (`uri=sip:host`), which contain ':'.
    mutating func bareValue() -> String {
        let start = index
        while let byte = peek, byte != UInt8(ascii: ","), byte != 0x20, byte != 0x09, byte != UInt8(ascii: "\"") {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A quoted string with backslash escapes; nil when the closing quote is missing.
    mutating func quotedString() -> String? {
        index += 1  // opening quote
        var out: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                out.append(escaped)
                index += 1
            default:
                out.append(byte)
            }
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-.!%*_+`'~".utf8.contains(byte)
        }
    }
}

extension String {
    /// This text as an RFC 3261 quoted-string, escaping `"` and `\`.
    var quotedForHeader: String {
        var out = "\""
        for character in self {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        out.append("\"")
        return out
    }
}
