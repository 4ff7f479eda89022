/// A number the exchange answers and where its calls go.
public struct RouteInfo: Codable, Sendable, Hashable {
    public var number: String
    /// `ext:1001`, `time:office`, `hangup`.
    public var destination: String

    public init(number: String, destination: String) {
        self.number = number
        self.destination = destination
    }
}

/// A time condition with its schedule's state now.
public struct TimeConditionInfo: Codable, Sendable, Hashable {
    public var name: String
    public var schedule: String
    /// Where calls go while the schedule is open.
    public var open: String
    /// Where calls go while it is closed.
    public var closed: String
    /// The schedule's state now; calls go to `open` or `closed` accordingly.
    public var status: ScheduleStatus

    public init(name: String, schedule: String, open: String, closed: String, status: ScheduleStatus) {
        self.name = name
        self.schedule = schedule
        self.open = open
        self.closed = closed
        self.status = status
    }
}
