/// `holiday.list`.
public enum HolidayList: RPCMethod {
    public static let name = "holiday.list"
    public static let summary =
        "The holiday calendar of a year: Hungarian holidays, decreed swaps and the exchange's own days."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = [HolidayInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// Default: the current year (Europe/Budapest).
        public var year: Int?
        public init(year: Int? = nil) { self.year = year }
    }
}

/// `holiday.add`: a day closed all day, or open only in `hours`.
public enum HolidayAdd: RPCMethod {
    public static let name = "holiday.add"
    public static let summary =
        "Add or replace a day of the exchange's own calendar (closed, or open only in given hours)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = HolidayInfo

    public struct Params: Codable, Sendable, Hashable {
        /// `YYYY-MM-DD`.
        public var date: String
        public var name: String
        /// `08:00-12:00` (comma-separated ranges); absent or empty: closed all day.
        public var hours: String?

        public init(date: String, name: String, hours: String? = nil) {
            self.date = date
            self.name = name
            self.hours = hours
        }
    }
}

/// Params naming one day.
public struct DateRef: Codable, Sendable, Hashable {
    /// `YYYY-MM-DD`.
    public var date: String
    public init(date: String) { self.date = date }
}

/// `holiday.remove`.
public enum HolidayRemove: RPCMethod {
    public static let name = "holiday.remove"
    public static let summary = "Remove a day the administrator added (built-in Hungarian holidays cannot be removed)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = DateRef
    public typealias Result = Acknowledged
}

/// `holiday.swap`: a workday swap (rest day off, another day worked with its hours).
public enum HolidaySwap: RPCMethod {
    public static let name = "holiday.swap"
    public static let summary = "Add a workday swap: restDay is off, workday is worked with the rest day's hours."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        public var restDay: String
        public var workday: String
        public var note: String?

        public init(restDay: String, workday: String, note: String? = nil) {
            self.restDay = restDay
            self.workday = workday
            self.note = note
        }
    }
}

/// `holiday.unswap`.
public enum HolidayUnswap: RPCMethod {
    public static let name = "holiday.unswap"
    public static let summary = "Remove a workday swap the administrator added, by its rest day."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = DateRef
    public typealias Result = Acknowledged
}
