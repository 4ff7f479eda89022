/// How the exchange's own phones may dial public numbers shorter than the national form: the
/// local area's subscriber numbers without 06 and the area code (`234 5678` in Budapest,
/// `123 456` in Szeged), as any Hungarian desk phone on a fixed line can, and an optional
/// outside-line prefix (`0` or `9` before the number) for offices used to one.
public struct LocalDialling: Sendable, Hashable, Codable {
    /// The area the exchange is in: `1` (Budapest) or a two-digit geographic code (`62`);
    /// nil: a number needs 06 (or +36) and its area code.
    public var areaCode: String?
    /// Digits dialled before a public number to reach the outside line; nil: none. Numbers
    /// dialled without it still go out, as they did before it was set.
    public var outsidePrefix: String?

    /// No local numbers and no prefix: only complete numbers go out.
    public static let none = LocalDialling()

    public init(areaCode: String? = nil, outsidePrefix: String? = nil) {
        self.areaCode = areaCode
        self.outsidePrefix = outsidePrefix
    }

    /// The geographic area codes of the Hungarian numbering plan (NMHH): Budapest's `1` and
    /// the two-digit areas. Mobile (20, 30, 31, 50, 70), nomadic (21), toll-free (80) and
    /// premium (90, 91) codes are not areas: nobody dials their numbers without 06.
    public static let areaCodes: Set<String> = [
        "1", "22", "23", "24", "25", "26", "27", "28", "29", "32", "33", "34", "35", "36", "37", "42", "44", "45", "46",
        "47", "48", "49", "52", "53", "54", "56", "57", "59", "62", "63", "66", "68", "69", "72", "73", "74", "75",
        "76",
        "77", "78", "79", "82", "83", "84", "85", "87", "88", "89", "92", "93", "94", "95", "96", "99",
    ]

    /// How many digits a local subscriber number has in `areaCode`: seven in Budapest, six
    /// elsewhere (the national number is always eight digits).
    public static func subscriberDigits(in areaCode: String) -> Int { 8 - areaCode.count }

    /// Why `areaCode` cannot be the exchange's area, or nil when it can.
    public static func problem(areaCode: String) -> String? {
        areaCodes.contains(areaCode)
            ? nil
            : "\(areaCode) is not a Hungarian geographic area code: give 1 (Budapest) or the two digits after 06 "
                + "of a landline number of the area (62 for Szeged, 96 for Győr)"
    }

    /// Why `outsidePrefix` cannot be the outside-line prefix, or nil when it can.
    public static func problem(outsidePrefix: String) -> String? {
        let isDigits = !outsidePrefix.isEmpty && outsidePrefix.utf8.allSatisfy { (48...57).contains($0) }
        return isDigits && outsidePrefix.count <= 3
            ? nil : "an outside-line prefix is 1 to 3 digits (0 or 9, as on most exchanges), not \(outsidePrefix)"
    }

    /// `dialled` (digits and separators) as a national number of the exchange's area
    /// (`+3612345678` for `234 5678` in Budapest), or nil when it is no local subscriber number:
    /// one of the area's length whose first digit is 2-9 (1 starts the short service numbers,
    /// 0 the prefixes).
    func localNumber(_ dialled: String) -> String? {
        guard let areaCode else { return nil }
        let digits = HungarianNumber.compact(dialled)
        guard digits.count == Self.subscriberDigits(in: areaCode), let first = digits.utf8.first,
            (UInt8(ascii: "2")...UInt8(ascii: "9")).contains(first), digits.utf8.allSatisfy({ (48...57).contains($0) })
        else { return nil }
        return "+36" + areaCode + digits
    }
}
