/// Days of the week, Monday first as in Hungary (and ISO 8601).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday

    /// Accepts English and Hungarian names and their usual abbreviations, any case:
    /// `mon`, `monday`, `h`, `hétfő`, `hetfo`, ...
    public init?(name: String) {
        let key = name.lowercased()
        guard let match = Weekday.allCases.first(where: { $0.names.contains(key) }) else { return nil }
        self = match
    }

    /// The short English name used in listings and JSON: `mon` ... `sun`.
    public var shortName: String { names[0] }

    private var names: [String] {
        switch self {
        case .monday: ["mon", "monday", "h", "hé", "he", "hétfő", "hetfo"]
        case .tuesday: ["tue", "tuesday", "k", "ke", "kedd"]
        case .wednesday: ["wed", "wednesday", "sze", "szerda"]
        case .thursday: ["thu", "thursday", "cs", "csü", "csu", "csütörtök", "csutortok"]
        case .friday: ["fri", "friday", "p", "pé", "pe", "péntek", "pentek"]
        case .saturday: ["sat", "saturday", "szo", "szombat"]
        case .sunday: ["sun", "sunday", "v", "va", "vas", "vasárnap", "vasarnap"]
        }
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
