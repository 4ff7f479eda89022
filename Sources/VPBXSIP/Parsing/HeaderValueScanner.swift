/// Low-level helpers for header values: splitting comma-separated lists and `;name=value`
/// parameter lists while honouring quoted strings (with `\` escapes) and `<...>` URIs, where
/// commas and semicolons are data, not separators.
enum HeaderValueScanner {
    /// Splits `a, "b, c" <sip:x;y=z>, d` at top-level commas and trims each element.
    static func splitList(_ value: Substring, separator: Character = ",") -> [Substring] {
        var parts: [Substring] = []
        var inQuotes = false
        var angleDepth = 0
        var escaped = false
        var start = value.startIndex
        var index = value.startIndex
        while index < value.endIndex {
            let char = value[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if char == "\\" { escaped = true } else if char == "\"" { inQuotes = false }
            } else if char == "\"" {
                inQuotes = true
            } else if char == "<" {
                angleDepth += 1
            } else if char == ">" {
                angleDepth = max(0, angleDepth - 1)
            } else if char == separator && angleDepth == 0 {
                parts.append(trimmed(value[start..<index]))
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        parts.append(trimmed(value[start..<value.endIndex]))
        return parts.filter { !$0.isEmpty }
    }

    /// Parses `;a=b;c;d="e f"` (the leading `;` optional) into ordered parameters.
    static func parameters(_ text: Substring) -> [SIPParameter] {
        splitList(text, separator: ";").map { element in
            guard let equals = element.firstIndex(of: "=") else {
                return SIPParameter(name: String(trimmed(element)), value: nil)
            }
            let name = trimmed(element[element.startIndex..<equals])
            let value = trimmed(element[element.index(after: equals)...])
            return SIPParameter(name: String(name), value: String(value))
        }
    }

    static func trimmed(_ text: Substring) -> Substring {
        var start = text.startIndex
        var end = text.endIndex
        while start < end, text[start] == " " || text[start] == "\t" { start = text.index(after: start) }
        while end > start {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\t" else { break }
            end = before
        }
        return text[start..<end]
    }

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
