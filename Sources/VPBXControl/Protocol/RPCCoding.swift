import Foundation

/// The one place that decides how protocol values become bytes: compact, sorted keys
/// (stable output for scripts and tests), dates as ISO-8601 with fractional seconds in UTC.
public enum RPCCoding {
    /// A fresh encoder with the protocol's settings (JSONEncoder is not Sendable, so
    /// callers get their own).
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        return encoder
    }

    /// A fresh decoder accepting ISO-8601 dates with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 date like 2025-01-31T12:00:00.000Z, got '\(text)'")
            }
            return date
        }
        return decoder
    }

    // The styles are made once: building one per date was a third of formatting it, and a
    // 10,000-row CDR search formats and parses 30,000 dates.
    private static let writtenDates = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let fractionalDates = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSecondDates = Date.ISO8601FormatStyle()

    /// `2025-01-31T12:00:00.123Z`.
    public static func formatDate(_ date: Date) -> String {
        writtenDates.format(date)
    }

    /// Parses ISO-8601 date-times, with or without fractional seconds, any offset.
    public static func parseDate(_ text: String) -> Date? {
        if let date = try? fractionalDates.parse(text) { return date }
        return try? wholeSecondDates.parse(text)
    }

    /// Encodes `value` into a `JSONValue` tree (used for results, events and snapshots).
    public static func jsonValue<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try makeEncoder().encode(value)
        return try makeDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes a `T` from a `JSONValue` tree.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let data = try makeEncoder().encode(value)
        return try makeDecoder().decode(T.self, from: data)
    }
}
