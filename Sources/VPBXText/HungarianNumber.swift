/// Normalises phone numbers typed the Hungarian way into E.164.
///
/// Accepted: `06` + national number (`06 30 123 4567`, `06-1-234-5678`), `+36` or `0036`
/// + national number, and other international numbers already in `+` form. Spaces,
/// dashes, dots, slashes and parentheses are ignored.
public enum HungarianNumber {
    /// Two-digit prefixes followed by seven subscriber digits: mobile networks, plus 21
    /// (location-independent "nomadic" numbers), which are numbered the same way.
    static let sevenDigitPrefixes: Set<String> = ["20", "21", "30", "31", "50", "70"]

    /// The E.164 form (`+36301234567`), or nil when `input` is not a valid number.
    public static func normalize(_ input: String) -> String? {
        let compact = compact(input)
        let national: Substring
        if compact.hasPrefix("+36") {
            national = compact.dropFirst(3)
        } else if compact.hasPrefix("0036") {
            national = compact.dropFirst(4)
        } else if compact.hasPrefix("06") {
            national = compact.dropFirst(2)
        } else if compact.hasPrefix("+") || compact.hasPrefix("00") {
            return foreign(compact)
        } else {
            return nil  // without 06 or +36 the area is unknown
        }
        guard isValidNational(national) else { return nil }
        return "+36" + national
    }

    /// `input` without the separators people type in numbers.
    static func compact(_ input: String) -> String {
        let separators: Set<Character> = [" ", "-", ".", "/", "(", ")", "\t"]
        return String(input.filter { !separators.contains($0) })
    }

    /// Whether `number` (after 06 / +36) fits the Hungarian numbering plan's lengths.
    static func isValidNational(_ number: Substring) -> Bool {
        guard number.allSatisfy(\.isASCIIDigit), let first = number.first else { return false }
        if first == "1" { return number.count == 8 }  // Budapest: 1 + 7 digits
        guard first != "0", number.count >= 2 else { return false }
        let prefix = String(number.prefix(2))
        return number.count == (sevenDigitPrefixes.contains(prefix) ? 9 : 8)
    }

    /// Another country's number in international form: kept, as E.164 (at most 15 digits).
    private static func foreign(_ compact: String) -> String? {
        let digits = compact.hasPrefix("+") ? compact.dropFirst() : compact.dropFirst(2)
        guard digits.allSatisfy(\.isASCIIDigit), (8...15).contains(digits.count), digits.first != "0" else {
            return nil
        }
        return "+" + digits
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
