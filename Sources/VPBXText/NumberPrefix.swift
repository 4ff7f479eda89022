/// The beginning of the numbers an outbound route carries, as an administrator types it
/// (`06 30`, `0049`, `+36 1`, `112`) and as calls are matched against it: in E.164 (`+3630`,
/// `+49`, `+361`; `+` alone: every number but the emergency ones), or the beginning of an
/// emergency short number (`112`).
public enum NumberPrefix {
    /// The prefix in E.164 form, or why it cannot be one.
    public static func normalize(_ input: String) -> Result<String, Problem> {
        let separators: Set<Character> = [" ", "-", ".", "/", "(", ")", "\t"]
        let compact = String(input.filter { !separators.contains($0) })
        let (lead, rest): (String, Substring)
        if compact.hasPrefix("+") {
            (lead, rest) = ("+", compact.dropFirst())
        } else if compact.hasPrefix("06") {
            (lead, rest) = ("+36", compact.dropFirst(2))
        } else if compact.hasPrefix("00") {
            // 00 alone would be every number, Hungarian ones too (they are +36 as well):
            // whoever types it means abroad, which a prefix cannot say; `+` says "all".
            guard compact.count > 2 else { return .failure(.internationalAlone) }
            (lead, rest) = ("+", compact.dropFirst(2))
        } else {
            guard !compact.isEmpty, PublicNumber.emergencyNumbers.contains(where: { $0.hasPrefix(compact) }) else {
                return .failure(.noDiallingPrefix)
            }
            return .success(compact)
        }
        guard rest.allSatisfy({ $0.isASCII && $0.isNumber }), rest.count <= 15 else { return .failure(.notDigits) }
        return .success(lead + rest)
    }

    /// Why a typed prefix cannot be used.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case internationalAlone
        case noDiallingPrefix
        case notDigits

        public var description: String {
            switch self {
            case .internationalAlone:
                "00 alone cannot tell abroad from home: name the countries (00 49, +43), or use + for every number"
            case .noDiallingPrefix:
                "start it as a number is dialled (06 30, 00 49, +36 1) or with an emergency number (112)"
            case .notDigits: "a prefix is up to 15 digits after 06, 00 or +"
            }
        }
    }
}
