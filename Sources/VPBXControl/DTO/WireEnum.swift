/// A closed set of string values on the wire whose decoding error lists the choices
/// ("expected one of desk, agent, mobile, got 'phone'"), so that `vpbx` and scripts can
/// show the user what to type.
public protocol WireEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable
where RawValue == String {}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected one of \(Self.choices), got '\(text)'")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The accepted values, comma separated, for help and error texts.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
