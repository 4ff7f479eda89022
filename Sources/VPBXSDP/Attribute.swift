import VPBXText

/// An `a=` line: a property (`a=sendonly`) or a name/value pair (`a=rtpmap:0 PCMU/8000`).
public struct Attribute: Sendable, Equatable {
    public var name: String
    /// The text after the first colon, or nil for a property attribute.
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    init(parsing text: ByteText, _ range: Range<Int>, line: Int) throws(SDPError) {
        let name: Range<Int>
        if let colon = text.first(UInt8(ascii: ":"), in: range) {
            name = range.lowerBound..<colon
            value = text.string((colon + 1)..<range.upperBound)
        } else {
            name = range
            value = nil
        }
        // Only an empty name is refused: odd vendor attributes must not sink a whole call.
        guard !name.isEmpty else {
            throw SDPError(.invalidValue, line: line, "'a=' must be '<name>' or '<name>:<value>', got '\(text.string(range))'")
        }
        self.name = text.string(name)
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
