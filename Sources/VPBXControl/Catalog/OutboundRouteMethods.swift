/// `outroute.create`.
public enum OutboundRouteCreate: RPCMethod {
    public static let name = "outroute.create"
    public static let summary =
        "Add an outbound route: calls to numbers with its prefixes (from its callers) go through its trunks."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = OutboundRouteParams
    public typealias Result = OutboundRouteInfo
}

/// `outroute.list`.
public enum OutboundRouteList: RPCMethod {
    public static let name = "outroute.list"
    public static let summary = "All outbound routes, by name."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [OutboundRouteInfo]
}

/// Params naming one outbound route.
public struct OutboundRouteRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `outroute.get`.
public enum OutboundRouteGet: RPCMethod {
    public static let name = "outroute.get"
    public static let summary = "One outbound route."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = OutboundRouteRef
    public typealias Result = OutboundRouteInfo
}

/// `outroute.update`.
public enum OutboundRouteUpdate: RPCMethod {
    public static let name = "outroute.update"
    public static let summary = "Change an outbound route; a given list replaces the old one, absent ones are kept."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = OutboundRouteParams
    public typealias Result = OutboundRouteInfo
}

/// `outroute.delete`.
public enum OutboundRouteDelete: RPCMethod {
    public static let name = "outroute.delete"
    public static let summary =
        "Remove an outbound route (its numbers go through every outbound trunk by priority again)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = OutboundRouteRef
    public typealias Result = OutboundRouteInfo
}

/// `outroute.test`.
public enum OutboundRouteTest: RPCMethod {
    public static let name = "outroute.test"
    public static let summary = "Which route and trunks a call to a number (from an extension) would take now."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = OutboundRouteTestParams
    public typealias Result = OutboundRouteTestResult
}
