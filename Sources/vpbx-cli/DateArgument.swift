import ArgumentParser
import Foundation
import VPBXControl

/// A point in time typed on the command line: ISO-8601 (`2025-01-31T08:00:00Z`), a local
/// wall-clock time (`2025-01-31T08:00` or `2025-01-31 08:00`), a calendar day (`2025-01-31`,
/// in the local time zone), or a time from now (`+90m`, `+2h`, `+1d`).
struct DateArgument: ExpressibleByArgument {
    /// The instant; for a day, its first moment.
    var date: Date
    /// Whether only a day was given (then `--until` means the end of that day).
    var isDay: Bool

    init?(argument: String) {
        if let date = RPCCoding.parseDate(argument) {
            self.date = date
            isDay = false
            return
        }
        if let date = Self.relative(argument) ?? Self.localTime(argument) {
            self.date = date
            isDay = false
            return
        }
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            let date = Calendar.current.date(from: DateComponents(year: year, month: month, day: day)),
            Calendar.current.component(.day, from: date) == day
        else { return nil }
        self.date = date
        isDay = true
    }

    /// `+90m`, `+2h`, `+1d`: from now.
    private static func relative(_ text: String) -> Date? {
        guard text.hasPrefix("+"), let unit = text.last, let amount = Int(text.dropFirst().dropLast()), amount > 0
        else {
            return nil
        }
        let seconds: Int? = ["m": 60, "h": 3600, "d": 86_400][String(unit)]
        return seconds.map { Date().addingTimeInterval(TimeInterval(amount * $0)) }
    }

    /// `YYYY-MM-DDTHH:MM[:SS]` or with a space, in the local time zone.
    private static func localTime(_ text: String) -> Date? {
        let separated = text.replacingOccurrences(of: "T", with: " ").split(separator: " ")
        guard separated.count == 2 else { return nil }
        let day = separated[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = separated[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard day.count == 3, (2...3).contains(time.count), let year = day[0], let month = day[1],
            let dayOfMonth = day[2],
            let hour = time[0], let minute = time[1], (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let second = time.count == 3 ? time[2] : 0
        guard let second, (0...59).contains(second) else { return nil }
        let parts = DateComponents(
            year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: second)
        guard let date = Calendar.current.date(from: parts),
            Calendar.current.component(.day, from: date) == dayOfMonth
        else { return nil }
        return date
    }

    /// For `--until`: a day includes all of that day.
    var endInclusive: Date {
        isDay ? Calendar.current.date(byAdding: .day, value: 1, to: date)! : date
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
