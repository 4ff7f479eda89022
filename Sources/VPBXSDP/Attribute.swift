/// An `a=` line: a property (`a=sendonly`) or a name/value pair (`a=rtpmap:0 PCMU/8000`).
public struct Attribute: Sendable, Equatable {
    public var name: String
    /// The text after the first colon, or nil for a property attribute.
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    init(parsing text: Substring, line: Int) throws(SDPError) {
        let name: Substring
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            value = String(text[text.index(after: colon)...])
        } else {
            name = text
            value = nil
        }
        // Only an empty name is refused: odd vendor attributes must not sink a whole call.
        guard !name.isEmpty else {
            throw SDPError(.invalidValue, line: line, "'a=' must be '<name>' or '<name>:<value>', got '\(text)'")
        }
        self.name = String(name)
    }

    var serialized: String {
        if let value { return "\(name):\(value)" }
        return name
    }

    /// For per-format attributes (`rtpmap`, `fmtp`, `rtcp-fb`): the payload type the value
    /// starts with, or nil when it does not start with a number.
    var formatPrefix: String? {
        guard let value else { return nil }
        let first = value.prefix { $0 != " " }
        guard !first.isEmpty, first.allSatisfy(\.isNumber) else { return nil }
        return String(first)
    }
}
