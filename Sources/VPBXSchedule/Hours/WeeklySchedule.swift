/// Regular opening hours: for each weekday, zero or more ranges. A weekday with no ranges is
/// closed all day.
public struct WeeklySchedule: Sendable, Hashable, Codable {
    public private(set) var ranges: [Weekday: [TimeRange]]

    public init(ranges: [Weekday: [TimeRange]] = [:]) {
        self.ranges = ranges.mapValues { $0.sorted { $0.start < $1.start } }
    }

    public func ranges(on weekday: Weekday) -> [TimeRange] { ranges[weekday] ?? [] }

    public mutating func set(_ dayRanges: [TimeRange], on weekday: Weekday) {
        ranges[weekday] = dayRanges.isEmpty ? nil : dayRanges.sorted { $0.start < $1.start }
    }

    /// Parses the administrator's notation, one or more clauses separated by `;`:
    /// `mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00`. Days are a single day, a range
    /// (`mon-fri`, also across the week end: `sat-mon`) or a comma-free list (`mon/wed/fri`).
    /// Later clauses replace earlier ones for the days they name. Empty text means always closed.
    public init(parsing text: String) throws(ScheduleError) {
        var schedule = WeeklySchedule()
        for clause in text.split(separator: ";") {
            let words = clause.split(separator: " ", omittingEmptySubsequences: true)
            if words.isEmpty { continue }
            guard words.count == 2 else { throw .badClause(String(clause)) }
            let days = try Self.parseDays(String(words[0]))
            var dayRanges: [TimeRange] = []
            if words[1].lowercased() != "closed" {
                for item in words[1].split(separator: ",") {
                    guard let range = TimeRange(parsing: String(item)) else { throw .badRange(String(item)) }
                    dayRanges.append(range)
                }
            }
            for day in days { schedule.set(dayRanges, on: day) }
        }
        self = schedule
    }

    /// The notation `init(parsing:)` reads, one clause per weekday that has ranges.
    public var notation: String {
        Weekday.allCases.compactMap { day in
            guard let dayRanges = ranges[day], !dayRanges.isEmpty else { return nil }
            return "\(day.shortName) " + dayRanges.map(\.description).joined(separator: ",")
        }.joined(separator: "; ")
    }

    private static func parseDays(_ text: String) throws(ScheduleError) -> [Weekday] {
        if text.contains("/") {
            return try text.split(separator: "/").map { (name) throws(ScheduleError) -> Weekday in
                guard let day = Weekday(name: String(name)) else { throw .badDay(String(name)) }
                return day
            }
        }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2, let first = Weekday(name: String(ends[0])) else { throw .badDay(text) }
        guard ends.count == 2 else { return [first] }
        guard let last = Weekday(name: String(ends[1])) else { throw .badDay(text) }
        var days = [first]
        var day = first
        while day != last {
            day = Weekday(rawValue: day.rawValue % 7 + 1)!
            days.append(day)
        }
        return days
    }
}
