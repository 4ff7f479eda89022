import Foundation
import GRDB
import VPBXSchedule
import VPBXText

/// GRDB's storage text for a date ("yyyy-MM-dd HH:mm:ss.SSS", UTC, to the nearest millisecond),
/// computed with integer arithmetic. GRDB formats with a `DateFormatter`, which goes through
/// ICU and showed up in profiles of the CDR writer at about 2 % of the engine's CPU; the text
/// is the same (checked against GRDB's own in the store tests), so rows read alike.
enum StorageDateText {
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (days, millisecondOfDay) = floorDivision(milliseconds, 86_400_000)
        let calendarDay = LocalDate(dayNumber: Int(days))
        var text = ""
        text.reserveCapacity(23)
        text.appendZeroPadded(Int64(calendarDay.year), width: 4)
        text += "-"
        text.appendZeroPadded(Int64(calendarDay.month), width: 2)
        text += "-"
        text.appendZeroPadded(Int64(calendarDay.day), width: 2)
        text += " "
        text.appendZeroPadded(millisecondOfDay / 3_600_000, width: 2)
        text += ":"
        text.appendZeroPadded(millisecondOfDay / 60_000 % 60, width: 2)
        text += ":"
        text.appendZeroPadded(millisecondOfDay / 1000 % 60, width: 2)
        text += "."
        text.appendZeroPadded(millisecondOfDay % 1000, width: 3)
        return text
    }

    static func databaseValue(_ date: Date?) -> DatabaseValue {
        date.map { text($0).databaseValue } ?? .null
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
