import Foundation
import GRDB
import GRDBSQLite
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

extension StorageDateText {
    /// The date of a storage text, or nil when the text is not exactly in that form
    /// ("yyyy-MM-dd HH:mm:ss.SSS"; the caller then lets GRDB decode it). GRDB parses dates
    /// through `DateComponents` and a `Calendar`: two thirds of the engine's time in a queue
    /// report over a year of calls went to decoding rows, most of it dates.
    static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { date(UnsafeRawBufferPointer($0)) }
    }

    /// ``date(_:)`` of the text's UTF-8 bytes.
    static func date(_ bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: ".")
        else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                let digit = Int(bytes[index]) &- 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            let millisecond = number(20, 3), hour < 24, minute < 60, second < 60,
            let calendarDay = LocalDate(year: year, month: month, day: day)
        else { return nil }
        // Summed as Foundation's Gregorian calendar sums (GRDB's decoding): whole days since
        // 2001-01-01, then the time of day with its fraction, so both give the same bits
        // (`StorageDateTextTests`); adding the parts in another order differs in the last bit
        // for a third of all dates.
        let daysSinceReference = Int64(calendarDay.dayNumber) - 11_323
        let secondOfDay = Double(hour * 3600 + minute * 60 + second) + Double(millisecond) / 1000
        return Date(timeIntervalSinceReferenceDate: Double(daysSinceReference * 86_400) + secondOfDay)
    }
}

/// A stored date read straight from the statement's column: the storage text parsed where
/// SQLite keeps it (no `String` or `Data` made per date), any other form as GRDB reads it.
struct StorageDate: DatabaseValueConvertible, StatementColumnConvertible {
    let date: Date

    init(_ date: Date) { self.date = date }

    init?(sqliteStatement: SQLiteStatement, index: CInt) {
        if sqlite3_column_type(sqliteStatement, index) == SQLITE_TEXT, let text = sqlite3_column_text(sqliteStatement, index),
            let date = StorageDateText.date(
                UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(sqliteStatement, index))))
        {
            self.date = date
        } else if let date = Date(sqliteStatement: sqliteStatement, index: index) {
            self.date = date
        } else {
            return nil
        }
    }

    var databaseValue: DatabaseValue { date.databaseValue }

    static func fromDatabaseValue(_ value: DatabaseValue) -> StorageDate? {
        if case .string(let text) = value.storage, let date = StorageDateText.date(text) { return StorageDate(date) }
        return Date.fromDatabaseValue(value).map(StorageDate.init)
    }
}

extension Row {
    /// The date in column `index` (NULL: nil), read as ``StorageDate`` reads it.
    func storageDate(atIndex index: Int) throws -> Date? {
        try decode(StorageDate?.self, atIndex: index)?.date
    }
}
