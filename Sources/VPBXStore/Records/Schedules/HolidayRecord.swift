import GRDB

/// A day of the exchange's own calendar: closed all day (company holiday) or open only in
/// `hours` (`08:00-12:00`). It applies to every schedule that observes holidays and wins over
/// the built-in Hungarian days.
public struct HolidayRecord: Codable, Sendable, Equatable, Identifiable {
    /// `YYYY-MM-DD`.
    public var date: String
    public var name: String
    /// Comma-separated `HH:MM-HH:MM` ranges; empty: closed all day.
    public var hours: String

    public var id: String { date }

    public init(date: String, name: String, hours: String = "") {
        self.date = date
        self.name = name
        self.hours = hours
    }

    public func validate() throws {
        try Validation.isoDate(date, field: "holiday date")
        try Validation.text(name, field: "name of holiday \(date)", maxLength: 100)
        try Validation.text(hours, field: "hours of holiday \(date)", maxLength: 200, allowEmpty: true)
    }
}

extension HolidayRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "holidays"
}

/// A workday swap the administrator entered (a decree newer than the release, or a company
/// arrangement): `restDay` is off, `workday` is worked with the rest day's hours.
public struct WorkdaySwapRecord: Codable, Sendable, Equatable, Identifiable {
    /// `YYYY-MM-DD`.
    public var restDay: String
    /// `YYYY-MM-DD`.
    public var workday: String
    /// Where it comes from (`12/2026. NGM rendelet`).
    public var note: String

    public var id: String { restDay }

    public init(restDay: String, workday: String, note: String = "") {
        self.restDay = restDay
        self.workday = workday
        self.note = note
    }

    public func validate() throws {
        try Validation.isoDate(restDay, field: "rest day")
        try Validation.isoDate(workday, field: "workday")
        if restDay == workday {
            throw StoreError.invalid("a swap needs two different days, got \(restDay) twice")
        }
        try Validation.text(note, field: "note of swap \(restDay)", maxLength: 200, allowEmpty: true)
    }

    enum CodingKeys: String, CodingKey {
        case restDay = "rest_day"
        case workday
        case note
    }
}

extension WorkdaySwapRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "workday_swaps"
}
