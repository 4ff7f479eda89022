import ArgumentParser
import Foundation
import VPBXControl

/// A point in time typed on the command line: ISO-8601 (`2025-01-31T08:00:00Z`) or a
/// calendar day (`2025-01-31`, in the local time zone).
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
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            let date = Calendar.current.date(from: DateComponents(year: year, month: month, day: day)),
            Calendar.current.component(.day, from: date) == day
        else { return nil }
        self.date = date
        isDay = true
    }

    /// For `--until`: a day includes all of that day.
    var endInclusive: Date {
        isDay ? Calendar.current.date(byAdding: .day, value: 1, to: date)! : date
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
