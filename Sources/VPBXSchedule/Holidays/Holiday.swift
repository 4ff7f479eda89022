/// A day on which the exchange keeps its closed hours: a statutory holiday, a decreed rest day
/// (bridge day), or a day an administrator added.
public struct Holiday: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Fixed by law (Hungary: Labour Code, Mt. 102. §).
        case statutory
        /// A working day turned into a rest day by a government decree, worked off on a Saturday.
        case restDay = "rest_day"
        /// Added by the administrator (company holiday, inventory day, ...).
        case custom
    }

    public let date: LocalDate
    /// Hungarian name, shown first.
    public let name: String
    /// English name, for English-language listings.
    public let englishName: String
    public let kind: Kind

    public init(date: LocalDate, name: String, englishName: String, kind: Kind) {
        self.date = date
        self.name = name
        self.englishName = englishName
        self.kind = kind
    }
}

/// A decreed swap: `restDay` (a weekday) is off, and `workday` (usually a Saturday) is worked in
/// exchange with the rest day's hours.
public struct WorkdaySwap: Sendable, Hashable, Codable {
    public let restDay: LocalDate
    public let workday: LocalDate
    /// Where the swap comes from, e.g. `10/2025. (IV. 30.) NGM rendelet`.
    public let source: String

    public init(restDay: LocalDate, workday: LocalDate, source: String) {
        self.restDay = restDay
        self.workday = workday
        self.source = source
    }
}
