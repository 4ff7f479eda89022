import Foundation
import GRDB

/// GRDB's storage text for a date ("yyyy-MM-dd HH:mm:ss.SSS", UTC, to the nearest millisecond),
/// computed with integer arithmetic. GRDB formats with a `DateFormatter`, which goes through
/// ICU and showed up in profiles of the CDR writer at about 2 % of the engine's CPU; the text
/// is the same (checked against GRDB's own in the store tests), so rows read alike.
enum StorageDateText {
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (days, millisecondOfDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        var text = ""
        text.reserveCapacity(23)
        append(year, width: 4, to: &text)
        text += "-"
        append(month, width: 2, to: &text)
        text += "-"
        append(day, width: 2, to: &text)
        text += " "
        append(millisecondOfDay / 3_600_000, width: 2, to: &text)
        text += ":"
        append(millisecondOfDay / 60_000 % 60, width: 2, to: &text)
        text += ":"
        append(millisecondOfDay / 1000 % 60, width: 2, to: &text)
        text += "."
        append(millisecondOfDay % 1000, width: 3, to: &text)
        return text
    }

    static func databaseValue(_ date: Date?) -> DatabaseValue {
        date.map { text($0).databaseValue } ?? .null
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// Proleptic Gregorian year, month and day of a day count from 1970-01-01 (Howard
    /// Hinnant's days-to-civil algorithm, eras of 400 years).
    private static func civilDate(daysSince1970: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSince1970 + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func append(_ value: Int64, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.utf8.count < width { text += String(repeating: "0", count: width - digits.utf8.count) }
        text += digits
    }
}
