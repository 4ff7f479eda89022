import Foundation

/// Local midnights in a time zone: the instants where a statistics day begins (the engine
/// resets its daily counters at midnight Europe/Budapest). Days are 23 or 25 hours long on DST
/// change days, so this goes through the calendar instead of adding 86 400 seconds.
public enum LocalMidnight {
    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The start of the local day containing `date` (the last midnight at or before it). Where
    /// a DST jump skips midnight, the first instant of that day.
    public static func last(atOrBefore date: Date, in timeZone: TimeZone) -> Date {
        calendar(timeZone).startOfDay(for: date)
    }

    /// The start of the next local day after `date`: when the engine should reset next.
    public static func next(after date: Date, in timeZone: TimeZone) -> Date {
        let calendar = calendar(timeZone)
        let today = calendar.startOfDay(for: date)
        // Noon never falls in a DST gap, so step from there and take that day's start.
        let noon = calendar.date(byAdding: .hour, value: 12, to: today) ?? today.addingTimeInterval(43_200)
        let tomorrowNoon = calendar.date(byAdding: .day, value: 1, to: noon) ?? noon.addingTimeInterval(86_400)
        return calendar.startOfDay(for: tomorrowNoon)
    }
}
