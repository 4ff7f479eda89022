/// An outbound route: which trunks carry calls to which numbers, for whom (docs/trunks.md).
public struct OutboundRouteInfo: Codable, Sendable, Hashable {
    public var name: String
    /// Number beginnings in E.164 (`+3630`; `+`: every number but emergency ones) or of
    /// emergency numbers (`112`).
    public var prefixes: [String]
    /// Trunk names in the order a call tries them.
    public var trunks: [String]
    /// Extension numbers or ranges (`2000-2099`) whose calls take the route; empty: everyone's.
    public var callers: [String]

    public init(name: String, prefixes: [String], trunks: [String], callers: [String]) {
        self.name = name
        self.prefixes = prefixes
        self.trunks = trunks
        self.callers = callers
    }
}

/// Params of `outroute.create` and `outroute.update`: an absent list keeps its value (on
/// create, prefixes and trunks are required and callers default to everyone); a given list
/// replaces the old one, `callers: []` making the route everyone's.
public struct OutboundRouteParams: Codable, Sendable, Hashable {
    public var name: String
    /// As typed: `06 30`, `00 49`, `+36 1`, `+`, `112`.
    public var prefixes: [String]?
    public var trunks: [String]?
    public var callers: [String]?

    public init(name: String, prefixes: [String]? = nil, trunks: [String]? = nil, callers: [String]? = nil) {
        self.name = name
        self.prefixes = prefixes
        self.trunks = trunks
        self.callers = callers
    }
}

/// Params of `outroute.test`: a number as dialled, and whose call it would be.
public struct OutboundRouteTestParams: Codable, Sendable, Hashable {
    /// `06 30 123 4567`, `+49...`, `112`.
    public var number: String
    /// The calling extension; absent: a call no route names callers for.
    public var caller: String?

    public init(number: String, caller: String? = nil) {
        self.number = number
        self.caller = caller
    }
}

/// What `outroute.test` found: the number as the engine reads it and the trunks its call
/// would try.
public struct OutboundRouteTestResult: Codable, Sendable, Hashable {
    /// E.164, or the emergency number.
    public var number: String
    /// `emergency`, `national`, `premium` or `international`: what outbound class it needs.
    public var reach: String
    /// The route that chose the trunks; absent: none matched, every outbound trunk by priority.
    public var route: String?
    /// The trunks in the order the call would try them (usable ones: carrying calls out,
    /// their host resolved; unreachable ones last); empty: the call would get 503.
    public var trunks: [String]

    public init(number: String, reach: String, route: String?, trunks: [String]) {
        self.number = number
        self.reach = reach
        self.route = route
        self.trunks = trunks
    }
}
