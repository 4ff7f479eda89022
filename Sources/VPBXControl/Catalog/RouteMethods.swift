/// `route.create`.
public enum RouteCreate: RPCMethod {
    public static let name = "route.create"
    public static let summary =
        "Answer a number (not an extension's) and send its calls to a destination (ext:N, time:NAME, hangup)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = RouteInfo
    public typealias Result = RouteInfo
}

/// `route.list`.
public enum RouteList: RPCMethod {
    public static let name = "route.list"
    public static let summary = "All routes, in dial-plan order."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [RouteInfo]
}

/// Params naming one route.
public struct RouteRef: Codable, Sendable, Hashable {
    public var number: String
    public init(number: String) { self.number = number }
}

/// `route.delete`.
public enum RouteDelete: RPCMethod {
    public static let name = "route.delete"
    public static let summary = "Stop answering a number."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = RouteRef
    public typealias Result = RouteInfo
}

/// Params of `timecondition.create` and `timecondition.update`.
public struct TimeConditionParams: Codable, Sendable, Hashable {
    public var name: String
    /// Required on create.
    public var schedule: String?
    /// Destination while open; required on create.
    public var open: String?
    /// Destination while closed; required on create.
    public var closed: String?

    public init(name: String, schedule: String? = nil, open: String? = nil, closed: String? = nil) {
        self.name = name
        self.schedule = schedule
        self.open = open
        self.closed = closed
    }
}

/// `timecondition.create`.
public enum TimeConditionCreate: RPCMethod {
    public static let name = "timecondition.create"
    public static let summary = "Create a time condition: a schedule, a destination while open and one while closed."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TimeConditionParams
    public typealias Result = TimeConditionInfo
}

/// `timecondition.update`.
public enum TimeConditionUpdate: RPCMethod {
    public static let name = "timecondition.update"
    public static let summary = "Change a time condition's schedule or destinations; absent fields are kept."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TimeConditionParams
    public typealias Result = TimeConditionInfo
}

/// `timecondition.list`.
public enum TimeConditionList: RPCMethod {
    public static let name = "timecondition.list"
    public static let summary = "All time conditions and which way they send calls now."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [TimeConditionInfo]
}

/// Params naming one time condition.
public struct TimeConditionRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `timecondition.delete`.
public enum TimeConditionDelete: RPCMethod {
    public static let name = "timecondition.delete"
    public static let summary = "Delete a time condition that no route or other time condition uses."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TimeConditionRef
    public typealias Result = TimeConditionInfo
}
