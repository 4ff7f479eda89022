import Foundation

/// A supervisor's override mode as sent in `schedule.override`.
public enum OverrideMode: String, WireEnum {
    case open
    case closed
    /// Remove the override: the schedule's own hours apply again.
    case clear
}

/// Why a schedule is open or closed right now.
public enum ScheduleReasonKind: String, WireEnum {
    /// The weekly hours apply.
    case weekly
    /// A statutory public holiday.
    case holiday
    /// A decreed (or administrator's) rest day of a workday swap.
    case restDay = "rest_day"
    /// A Saturday (or other day) worked in exchange for a rest day.
    case workday
    /// A day of the exchange's own holiday calendar.
    case custom
    /// A supervisor's override.
    case override
}

/// A schedule's state at one moment.
public struct ScheduleStatus: Codable, Sendable, Hashable {
    public var open: Bool
    public var reason: ScheduleReasonKind
    /// For people: "Karácsony", "weekly hours (Friday)", "override until 2026-12-01 08:00".
    public var detail: String
    /// When the state flips next (within two weeks), if it does.
    public var nextChange: Date?

    public init(open: Bool, reason: ScheduleReasonKind, detail: String, nextChange: Date?) {
        self.open = open
        self.reason = reason
        self.detail = detail
        self.nextChange = nextChange
    }
}

/// A schedule's active override.
public struct ScheduleOverrideInfo: Codable, Sendable, Hashable {
    /// `open` or `closed`.
    public var mode: OverrideMode
    /// nil: until cleared.
    public var until: Date?

    public init(mode: OverrideMode, until: Date?) {
        self.mode = mode
        self.until = until
    }
}

/// A named schedule as the control protocol shows it, with its state now.
public struct ScheduleInfo: Codable, Sendable, Hashable {
    public var name: String
    /// Weekly hours, e.g. `mon 08:00-17:00; tue 08:00-17:00`; empty: always closed.
    public var hours: String
    public var timeZone: String
    /// Whether holidays close it.
    public var holidays: Bool
    public var override: ScheduleOverrideInfo?
    public var status: ScheduleStatus

    public init(
        name: String, hours: String, timeZone: String, holidays: Bool, override: ScheduleOverrideInfo?,
        status: ScheduleStatus
    ) {
        self.name = name
        self.hours = hours
        self.timeZone = timeZone
        self.holidays = holidays
        self.override = override
        self.status = status
    }
}

/// One day of the holiday calendar as `holiday.list` shows it.
public struct HolidayInfo: Codable, Sendable, Hashable {
    /// What the day is. `workday` days are open (with the hours of `sameAs`).
    public enum Kind: String, WireEnum {
        case statutory
        case restDay = "rest_day"
        case workday
        case custom
    }

    /// `YYYY-MM-DD`.
    public var date: String
    public var name: String
    public var kind: Kind
    /// For `custom` days open part of the day: `08:00-12:00`; nil: closed all day.
    public var hours: String?
    /// For swaps, the other day of the pair.
    public var pairedWith: String?
    /// Where a swap comes from (a decree) or the administrator's note.
    public var source: String?
    /// Whether the administrator added it (it can be removed).
    public var editable: Bool

    public init(
        date: String, name: String, kind: Kind, hours: String? = nil, pairedWith: String? = nil,
        source: String? = nil, editable: Bool
    ) {
        self.date = date
        self.name = name
        self.kind = kind
        self.hours = hours
        self.pairedWith = pairedWith
        self.source = source
        self.editable = editable
    }
}
