import Foundation
import GRDB

/// Opening hours under a name that time conditions refer to (`office`, `support-hu`).
///
/// The store keeps the weekly hours in the administrator's notation
/// (`mon-fri 08:00-17:00; sat 09:00-12:00`); the engine parses and evaluates it, so the
/// store stays free of calendar logic.
public struct ScheduleRecord: Codable, Sendable, Equatable, Identifiable {
    /// Lowercase letters, digits, `-` and `_`, 1–32 characters, starting with a letter.
    public var name: String
    /// The weekly hours in `WeeklySchedule` notation; empty means always closed.
    public var weekly: String
    /// IANA time zone the hours are in.
    public var timeZone: String
    /// Whether Hungarian public holidays, decreed rest days and the exchange's own holidays
    /// close this schedule.
    public var observesHolidays: Bool
    /// A supervisor's override: `open` or `closed`; nil when none is set.
    public var overrideMode: String?
    /// When the override lapses; nil with a mode: until cleared.
    public var overrideUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public var id: String { name }

    public static let defaultTimeZone = "Europe/Budapest"

    public init(
        name: String, weekly: String, timeZone: String = ScheduleRecord.defaultTimeZone, observesHolidays: Bool = true,
        overrideMode: String? = nil, overrideUntil: Date? = nil,
        createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.name = name
        self.weekly = weekly
        self.timeZone = timeZone
        self.observesHolidays = observesHolidays
        self.overrideMode = overrideMode
        self.overrideUntil = overrideUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func validate() throws {
        try Validation.objectName(name, field: "schedule name")
        try Validation.text(weekly, field: "weekly hours of schedule \(name)", maxLength: 1000, allowEmpty: true)
        try Validation.text(timeZone, field: "time zone of schedule \(name)", maxLength: 64)
        if let overrideMode, overrideMode != "open", overrideMode != "closed" {
            throw StoreError.invalid("override of schedule \(name) must be 'open' or 'closed', not '\(overrideMode)'")
        }
        if overrideMode == nil, overrideUntil != nil {
            throw StoreError.invalid("schedule \(name) has an override end but no override")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name
        case weekly
        case timeZone = "time_zone"
        case observesHolidays = "observes_holidays"
        case overrideMode = "override_mode"
        case overrideUntil = "override_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension ScheduleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "schedules"
}
