import VPBXText

/// Low-level helpers for header values: splitting comma-separated lists and `;name=value`
/// parameter lists while honouring quoted strings (with `\` escapes) and `<...>` URIs, where
/// commas and semicolons are data, not separators.
///
/// Every separator SIP uses is ASCII, so these scan UTF-8 bytes rather than `Character`s:
/// walking a string by `Character` runs the grapheme-breaking algorithm on every step, which
/// made header scanning the largest single cost of a call under load. A byte index of an ASCII
/// byte is always a valid `String.Index` to slice at.
enum HeaderValueScanner {
    /// Splits `a, "b, c" <sip:x;y=z>, d` at top-level commas and trims each element.
    static func splitList(_ value: Substring, separator: UInt8 = UInt8(ascii: ",")) -> [Substring] {
        var parts: [Substring] = []
        forEachElement(of: value, separator: separator) { part in
            parts.append(part)
            return true
        }
        return parts
    }

    /// The first element of a list, as `splitList(value).first` without building the list.
    static func firstElement(of value: Substring) -> Substring? {
        var first: Substring?
        forEachElement(of: value, separator: ASCII.comma) { part in
            first = part
            return false
        }
        return first
    }

    /// Calls `body` with each trimmed, non-empty element of a list separated by `separator`
    /// at the top level (outside quotes and `<...>`), until it returns false. The list
    /// helpers above build on it; scanning without collecting saves an array per header value
    /// read, several per message. The scan is ``ByteText``'s (by offset); the elements are
    /// handed out as slices of `value`.
    static func forEachElement(of value: Substring, separator: UInt8, _ body: (Substring) -> Bool) {
        let utf8 = value.utf8
        ByteText.with(value) { bytes in
            bytes.forEachElement(of: bytes.all, separator: separator) { element in
                let start = utf8.index(utf8.startIndex, offsetBy: element.lowerBound)
                return body(value[start..<utf8.index(start, offsetBy: element.count)])
            }
        }
    }

    /// Parses `;a=b;c;d="e f"` (the leading `;` optional) into ordered parameters.
    static func parameters(_ text: Substring) -> [SIPParameter] {
        // Most header values end without parameters; skip the scan then.
        guard !text.utf8.isEmpty else { return [] }
        var parameters: [SIPParameter] = []
        forEachElement(of: text, separator: ASCII.semicolon) { element in
            guard let equals = element.utf8.firstIndex(of: ASCII.equals) else {
                parameters.append(SIPParameter(name: String(trimmed(element)), value: nil))
                return true
            }
            let name = trimmed(element[element.startIndex..<equals])
            let value = trimmed(element[element.utf8.index(after: equals)...])
            parameters.append(SIPParameter(name: String(name), value: String(value)))
            return true
        }
        return parameters
    }

    static func trimmed(_ text: Substring) -> Substring {
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard isBlank(bytes[before]) else { break }
            end = before
        }
        return text[start..<end]
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == ASCII.space || byte == ASCII.tab }

    /// Removes surrounding quotes and resolves `\` escapes of a quoted-string.
    static func unquoted(_ text: Substring) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return String(text) }
        var result = ""
        var escaped = false
        for char in text.dropFirst().dropLast() {
            if escaped {
                result.append(char)
                escaped = false
            } else if char == "\\" {
                escaped = true
            } else {
                result.append(char)
            }
        }
        return result
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for char in text {
            if char == "\"" || char == "\\" { result.append("\\") }
            result.append(char)
        }
        result.append("\"")
        return result
    }
}

/// The ASCII bytes the SIP scanners look for.
enum ASCII {
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let colon = UInt8(ascii: ":")
    static let equals = UInt8(ascii: "=")
    static let at = UInt8(ascii: "@")
    static let question = UInt8(ascii: "?")
    static let percent = UInt8(ascii: "%")
    static let slash = UInt8(ascii: "/")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
