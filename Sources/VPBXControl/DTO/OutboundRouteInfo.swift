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
    /// The schedule the route follows; absent: it always holds.
    public var schedule: String?
    /// `open` or `closed`: the schedule's state in which the route holds (with ``schedule``).
    public var scheduleState: String?
    /// The E.164 number its calls show instead of the trunk's; absent: the trunk's.
    public var callerID: String?
    /// Digits put before the number as each trunk writes it; absent: none.
    public var prepend: String?
    /// Whether ``callerID`` is shown even by extensions with a number of their own (since
    /// stop 60; absent from older engines: no).
    public var overridesExtensionCallerID: Bool?

    public init(
        name: String, prefixes: [String], trunks: [String], callers: [String], schedule: String? = nil,
        scheduleState: String? = nil, callerID: String? = nil, prepend: String? = nil
    ) {
        self.name = name
        self.prefixes = prefixes
        self.trunks = trunks
        self.callers = callers
        self.schedule = schedule
        self.scheduleState = scheduleState
        self.callerID = callerID
        self.prepend = prepend
    }
}

/// Params of `outroute.create` and `outroute.update`: an absent list keeps its value (on
/// create, prefixes and trunks are required and callers default to everyone); a given list
/// replaces the old one, `callers: []` making the route everyone's. Likewise an absent
/// `schedule`, `callerID` or `prepend` keeps its value and `""` clears it.
public struct OutboundRouteParams: Codable, Sendable, Hashable {
    public var name: String
    /// As typed: `06 30`, `00 49`, `+36 1`, `+`, `112`.
    public var prefixes: [String]?
    public var trunks: [String]?
    public var callers: [String]?
    /// A schedule's name: the route holds only in its ``scheduleState``.
    public var schedule: String?
    /// `open` (default with a new schedule) or `closed`.
    public var scheduleState: String?
    /// As typed: `06 1 234 5699` or `+3612345699`.
    public var callerID: String?
    /// Up to 10 digits, `*` or `#`.
    public var prepend: String?
    /// Show ``callerID`` even on calls of extensions with a number of their own; needs one.
    public var overridesExtensionCallerID: Bool?

    public init(
        name: String, prefixes: [String]? = nil, trunks: [String]? = nil, callers: [String]? = nil,
        schedule: String? = nil, scheduleState: String? = nil, callerID: String? = nil, prepend: String? = nil,
        overridesExtensionCallerID: Bool? = nil
    ) {
        self.overridesExtensionCallerID = overridesExtensionCallerID
        self.name = name
        self.prefixes = prefixes
        self.trunks = trunks
        self.callers = callers
        self.schedule = schedule
        self.scheduleState = scheduleState
        self.callerID = callerID
        self.prepend = prepend
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
    /// The same trunks with what each would be sent: the number in its format after the
    /// route's prepend, and the number shown.
    public var attempts: [OutboundAttempt]

    public init(number: String, reach: String, route: String?, attempts: [OutboundAttempt]) {
        self.number = number
        self.reach = reach
        self.route = route
        self.trunks = attempts.map(\.trunk)
        self.attempts = attempts
    }
}

/// One trunk a call out would try, and how (``OutboundRouteTestResult``).
public struct OutboundAttempt: Codable, Sendable, Hashable {
    public var trunk: String
    /// The Request-URI's user: `06301234567`, `1088+36301234567`.
    public var dialled: String
    /// The number shown (From): the caller's own DID, else the route's, else the trunk's (the
    /// route's first when it overrides extensions' numbers).
    public var shown: String

    public init(trunk: String, dialled: String, shown: String) {
        self.trunk = trunk
        self.dialled = dialled
        self.shown = shown
    }
}
