import GRDB

/// A number the exchange answers besides its extensions (a service number, or a trunk's
/// DID in E.164), and where calls to it go. The destination is kept as text (`time:office`); the
/// engine parses it into the PBX's typed model.
public struct RouteRecord: Codable, Sendable, Equatable, Identifiable {
    /// Digits, 2-15, like an extension number (and never equal to one), or a number calls
    /// from a trunk were sent to, in E.164 (`+3612345600`).
    public var number: String
    /// `ext:1001`, `time:office`, `hangup`, ...
    public var destination: String

    public var id: String { number }

    public init(number: String, destination: String) {
        self.number = number
        self.destination = destination
    }

    public func validate() throws {
        if number.hasPrefix("+") {
            try Validation.e164(number, field: "route number")
        } else {
            try Validation.extensionNumber(number, field: "route number")
        }
        try Validation.text(destination, field: "destination of route \(number)", maxLength: 100)
    }
}

extension RouteRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "routes"
}

/// A time condition: a schedule, and where calls go while it is open and while it is closed.
public struct TimeConditionRecord: Codable, Sendable, Equatable, Identifiable {
    public var name: String
    /// The name of a ``ScheduleRecord``.
    public var schedule: String
    public var openDestination: String
    public var closedDestination: String

    public var id: String { name }

    public init(name: String, schedule: String, openDestination: String, closedDestination: String) {
        self.name = name
        self.schedule = schedule
        self.openDestination = openDestination
        self.closedDestination = closedDestination
    }

    public func validate() throws {
        try Validation.objectName(name, field: "time condition name")
        try Validation.objectName(schedule, field: "schedule of time condition \(name)")
        try Validation.text(openDestination, field: "open destination of time condition \(name)", maxLength: 100)
        try Validation.text(closedDestination, field: "closed destination of time condition \(name)", maxLength: 100)
    }

    enum CodingKeys: String, CodingKey {
        case name
        case schedule
        case openDestination = "open_destination"
        case closedDestination = "closed_destination"
    }
}

extension TimeConditionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "time_conditions"
}
