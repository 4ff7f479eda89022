/// An opening range in local time, `start` inclusive, `end` exclusive. A range whose end is not
/// after its start runs past midnight into the next day (`22:00-06:00`, a night shift); it
/// belongs to the day it starts on.
public struct TimeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public let start: TimeOfDay
    public let end: TimeOfDay

    public init?(start: TimeOfDay, end: TimeOfDay) {
        // 24:00 may only end a range, and an empty range (08:00-08:00) means nothing.
        guard start != .endOfDay, start != end else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = TimeOfDay(parsing: String(parts[0])),
            let end = TimeOfDay(parsing: String(parts[1]))
        else { return nil }
        self.init(start: start, end: end)
    }

    public var crossesMidnight: Bool { end <= start }

    /// Whether the range is open at `minute` of its own day.
    func containsOnOwnDay(_ minute: Int) -> Bool {
        crossesMidnight ? minute >= start.minutes : (start.minutes..<end.minutes).contains(minute)
    }

    /// Whether the range is open at `minute` of the day after it starts.
    func containsOnNextDay(_ minute: Int) -> Bool { crossesMidnight && minute < end.minutes }

    public var description: String { "\(start)-\(end)" }
}
