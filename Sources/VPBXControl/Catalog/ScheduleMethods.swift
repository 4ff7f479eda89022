import Foundation

/// Params naming one schedule.
public struct ScheduleRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `schedule.create`.
public enum ScheduleCreate: RPCMethod {
    public static let name = "schedule.create"
    public static let summary = "Create named opening hours (weekly ranges, time zone, whether holidays close it)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = ScheduleInfo

    public struct Params: Codable, Sendable, Hashable {
        public var name: String
        /// `mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00`; empty: always closed.
        public var hours: String
        /// IANA zone; default `Europe/Budapest`.
        public var timeZone: String?
        /// Default true.
        public var holidays: Bool?

        public init(name: String, hours: String, timeZone: String? = nil, holidays: Bool? = nil) {
            self.name = name
            self.hours = hours
            self.timeZone = timeZone
            self.holidays = holidays
        }
    }
}

/// `schedule.list`.
public enum ScheduleList: RPCMethod {
    public static let name = "schedule.list"
    public static let summary = "All schedules with their state now."
    public static let allowedRoles: Set<Role> = .staff.union([.wallboard])
    public typealias Params = NoParams
    public typealias Result = [ScheduleInfo]
}

/// `schedule.get`: with `at`, the state at that moment instead of now.
public enum ScheduleGet: RPCMethod {
    public static let name = "schedule.get"
    public static let summary = "One schedule and its state now, or at a given moment."
    public static let allowedRoles: Set<Role> = .staff.union([.wallboard])
    public typealias Result = ScheduleInfo

    public struct Params: Codable, Sendable, Hashable {
        public var name: String
        public var at: Date?
        public init(name: String, at: Date? = nil) {
            self.name = name
            self.at = at
        }
    }
}

/// `schedule.update`.
public enum ScheduleUpdate: RPCMethod {
    public static let name = "schedule.update"
    public static let summary = "Change a schedule's hours, time zone or holiday rule; absent fields are kept."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = ScheduleInfo

    public struct Params: Codable, Sendable, Hashable {
        public var name: String
        public var hours: String?
        public var timeZone: String?
        public var holidays: Bool?

        public init(name: String, hours: String? = nil, timeZone: String? = nil, holidays: Bool? = nil) {
            self.name = name
            self.hours = hours
            self.timeZone = timeZone
            self.holidays = holidays
        }
    }
}

/// `schedule.delete`.
public enum ScheduleDelete: RPCMethod {
    public static let name = "schedule.delete"
    public static let summary = "Delete a schedule."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ScheduleRef
    public typealias Result = ScheduleInfo
}

/// `schedule.override`: supervisors may force a schedule open or closed.
public enum ScheduleSetOverride: RPCMethod {
    public static let name = "schedule.override"
    public static let summary =
        "Force a schedule open or closed (until a moment, or until cleared), or clear the override."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = ScheduleInfo

    public struct Params: Codable, Sendable, Hashable {
        public var name: String
        public var mode: OverrideMode
        /// Must be in the future; nil: until cleared.
        public var until: Date?

        public init(name: String, mode: OverrideMode, until: Date? = nil) {
            self.name = name
            self.mode = mode
            self.until = until
        }
    }
}
