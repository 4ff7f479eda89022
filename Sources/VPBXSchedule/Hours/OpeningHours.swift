import Foundation

/// Opening hours in a time zone: a weekly schedule with a holiday calendar on top. Ranges are
/// local wall-clock times, so "08:00-17:00" stays 08:00-17:00 across daylight-saving changes.
public struct OpeningHours: Sendable, Hashable {
    public var weekly: WeeklySchedule
    public var calendar: HolidayCalendar
    public let timeZone: TimeZone

    /// How far `nextChange` looks ahead.
    static let horizonDays = 14

    public init(weekly: WeeklySchedule, calendar: HolidayCalendar = HolidayCalendar(), timeZone: TimeZone) {
        self.weekly = weekly
        self.calendar = calendar
        self.timeZone = timeZone
    }

    /// Opening hours in the zone named `identifier` (IANA, e.g. `Europe/Budapest`).
    public init(weekly: WeeklySchedule, calendar: HolidayCalendar = HolidayCalendar(), timeZoneNamed identifier: String)
        throws(ScheduleError)
    {
        guard let zone = TimeZone(identifier: identifier) else { throw .unknownTimeZone(identifier) }
        self.init(weekly: weekly, calendar: calendar, timeZone: zone)
    }

    /// Whether the exchange is open at `instant`, and why. An active override wins.
    public func decision(at instant: Date, override: ScheduleOverride? = nil) -> ScheduleDecision {
        if let override, override.isActive(at: instant) {
            return ScheduleDecision(
                isOpen: override.mode == .open, reason: .override(override), nextChange: override.until)
        }
        let (isOpen, reason) = state(at: instant)
        return ScheduleDecision(isOpen: isOpen, reason: reason, nextChange: nextChange(after: instant, from: isOpen))
    }

    /// The date and minute of the day on the local wall clock.
    public func localTime(of instant: Date) -> (date: LocalDate, minute: Int) {
        let parts = gregorian.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        // Components of a real instant always form a real date.
        let date =
            LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? LocalDate(dayNumber: 0)
        return (date, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    private var gregorian: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func state(at instant: Date) -> (Bool, ScheduleDecision.Reason) {
        let (date, minute) = localTime(of: instant)
        let today = calendar.rule(on: date)
        if ranges(for: today).contains(where: { $0.containsOnOwnDay(minute) }) { return (true, reason(for: today)) }
        // A night shift that started yesterday belongs to yesterday's rule.
        let yesterday = calendar.rule(on: date.adding(days: -1))
        if ranges(for: yesterday).contains(where: { $0.containsOnNextDay(minute) }) {
            return (true, reason(for: yesterday))
        }
        return (false, reason(for: today))
    }

    private func ranges(for rule: DayRule) -> [TimeRange] {
        switch rule {
        case .weekly(let weekday, _): weekly.ranges(on: weekday)
        case .holiday: []
        case .exception(let exception): exception.hours
        }
    }

    private func reason(for rule: DayRule) -> ScheduleDecision.Reason {
        switch rule {
        case .weekly(let weekday, let swap): .weekly(weekday, swap: swap)
        case .holiday(let holiday): .holiday(holiday)
        case .exception(let exception): .exception(exception)
        }
    }

    /// The first boundary after `instant` where the state differs from `current`. Only range
    /// edges and midnights can change it, so those are the only moments evaluated.
    private func nextChange(after instant: Date, from current: Bool) -> Date? {
        let today = localTime(of: instant).date
        var localCandidates: [(LocalDate, Int)] = []
        for offset in -1...Self.horizonDays {
            let date = today.adding(days: offset)
            localCandidates.append((date, 0))
            for range in ranges(for: calendar.rule(on: date)) {
                localCandidates.append((date, range.start.minutes))
                localCandidates.append((range.crossesMidnight ? date.adding(days: 1) : date, range.end.minutes))
            }
        }
        let candidates = Set(localCandidates.compactMap { instantOf($0.0, minute: $0.1) })
        for candidate in candidates.filter({ $0 > instant }).sorted() where state(at: candidate).0 != current {
            return candidate
        }
        return nil
    }

    private func instantOf(_ date: LocalDate, minute: Int) -> Date? {
        // 24:00 is the next day's midnight.
        let day = minute >= 24 * 60 ? date.adding(days: 1) : date
        let minuteOfDay = minute % (24 * 60)
        let parts = DateComponents(
            year: day.year, month: day.month, day: day.day, hour: minuteOfDay / 60, minute: minuteOfDay % 60)
        return gregorian.date(from: parts)
    }
}
