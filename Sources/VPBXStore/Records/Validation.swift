import Foundation

/// Field checks shared by the records; messages say what was given and what is expected.
enum Validation {
    /// An extension number: 2–15 ASCII digits.
    static func extensionNumber(_ value: String, field: String = "extension number") throws {
        guard (2...15).contains(value.utf8.count), value.utf8.allSatisfy(isDigit) else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected 2 to 15 digits (0-9)")
        }
    }

    /// A number as a phone dials it: 2 to 20 digits, or E.164 with its '+'.
    static func dialledNumber(_ value: String, field: String) throws {
        let digits = value.utf8.first == UInt8(ascii: "+") ? value.utf8.dropFirst() : value.utf8[...]
        guard (2...20).contains(digits.count), digits.allSatisfy(isDigit) else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected a number to dial (2 to 20 digits, or +36...)")
        }
    }

    /// An E.164 number: '+', a non-zero digit, then up to 14 more digits.
    static func e164(_ value: String, field: String) throws {
        let digits = value.utf8.dropFirst()
        guard value.utf8.first == UInt8(ascii: "+"), (2...15).contains(digits.count),
            digits.allSatisfy(isDigit), digits.first != UInt8(ascii: "0")
        else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected E.164 such as +3612345678")
        }
    }

    /// Lowercase hexadecimal of an exact length (digest hashes).
    static func lowercaseHex(_ value: String, length: Int, field: String) throws {
        guard value.utf8.count == length, value.utf8.allSatisfy(isLowercaseHex) else {
            throw StoreError.invalid(
                "\(field) is invalid: expected \(length) lowercase hexadecimal digits")
        }
    }

    /// A `sip:` or `sips:` URI without whitespace.
    static func sipURI(_ value: String, field: String) throws {
        let lower = value.lowercased()
        let hasScheme = lower.hasPrefix("sip:") || lower.hasPrefix("sips:")
        let rest = lower.drop(while: { $0 != ":" }).dropFirst()
        guard hasScheme, !rest.isEmpty, !value.contains(where: { $0.isWhitespace }) else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected a SIP URI such as sip:201@192.0.2.10:5060"
            )
        }
    }

    /// Non-empty text of bounded length without control characters.
    static func text(
        _ value: String, field: @autoclosure () -> String, maxLength: Int = 200, allowEmpty: Bool = false
    ) throws {
        // Every CDR row passes here on the call path: printable ASCII short enough by its byte
        // count is the common case and needs no Unicode property lookups or grapheme counting.
        let plainASCII = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if !allowEmpty && value.unicodeScalars.allSatisfy(isBlank) {
            throw StoreError.invalid("\(field()) must not be empty")
        }
        if value.utf8.count > maxLength && value.count > maxLength {
            throw StoreError.invalid("\(field()) is too long: at most \(maxLength) characters")
        }
        if !plainASCII && value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw StoreError.invalid("\(field()) must not contain control characters")
        }
    }

    /// What `CharacterSet.whitespaces` holds: space separators and the tab.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }

    /// A Unix user name as `useradd` accepts it portably: 1 to 32 of ASCII letters, digits,
    /// `.`, `_` and `-`, not starting with `-` (a name starting with `-` reads as an option).
    static func unixUserName(_ value: String, field: String) throws {
        let allowed = value.utf8.allSatisfy {
            isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20)
                || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")].contains($0)
        }
        guard (1...32).contains(value.utf8.count), allowed, value.utf8.first != UInt8(ascii: "-") else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected a Unix user name such as anna or j.kovacs")
        }
    }

    /// An integer within a range.
    static func range(_ value: Int, _ range: ClosedRange<Int>, field: String, unit: String = "")
        throws
    {
        guard range.contains(value) else {
            throw StoreError.invalid(
                "\(field) \(value)\(unit) is out of range: expected "
                    + "\(range.lowerBound) to \(range.upperBound)\(unit)")
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLowercaseHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

extension Validation {
    /// A host name (RFC 1123 labels) or an IPv4/IPv6 address, as a trunk's server is named.
    static func hostName(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        let allowed = bytes.allSatisfy {
            (0x61...0x7A).contains($0 | 0x20) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A
        }
        guard (1...253).contains(bytes.count), allowed, bytes.first != 0x2D, bytes.first != 0x2E else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected a host name or an address such as sip.example.hu or 192.0.2.7")
        }
    }

    /// Whether a host (valid by ``hostName(_:field:)``) is an IP address rather than a name:
    /// IPv6 alone has colons, and no top-level domain is all digits (RFC 3696 §2).
    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").last.map { $0.allSatisfy(\.isNumber) } ?? false
    }
}
