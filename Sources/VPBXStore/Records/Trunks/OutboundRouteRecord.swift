import GRDB

/// An outbound route (least-cost routing): which trunks carry calls to numbers starting with
/// its prefixes, for the extensions it names or for everyone. Of the routes that match a
/// call, one naming its caller wins, then the one whose prefix matches the most digits (the
/// core's ``OutboundRoute``); numbers no route matches go through all outbound trunks by
/// priority. A route may hold only while a schedule is open or closed, show its own number
/// and put digits before the number it sends.
public struct OutboundRouteRecord: Codable, Sendable, Equatable, Identifiable {
    /// `mobiles`, `callcenter`: an object name.
    public var name: String
    /// Beginnings of numbers in E.164 (`+3630`, `+49`, `+` for every public number) or of
    /// short numbers (`112`); stored as JSON. The engine's control layer writes Hungarian
    /// input (`06 30`, `00 49`) in this form.
    public var prefixes: [String]
    /// Trunk names in the order a call tries them (the next when one cannot carry it).
    public var trunks: [String]
    /// Extension numbers (`1001`) or ranges (`2000-2099`) whose calls take the route; empty:
    /// every extension's.
    public var callers: [String]
    /// A ``ScheduleRecord``'s name: the route holds only while it is in ``scheduleState``;
    /// nil: always.
    public var schedule: String?
    public var scheduleState: ScheduleState
    /// The E.164 number its calls show (instead of the trunk's); nil: the trunk's.
    public var callerID: String?
    /// Digits, `*` and `#` put before the number as each trunk writes it; empty: none.
    public var prepend: String
    /// Whether ``callerID`` is shown even on calls of extensions with a number of their own
    /// (FreePBX's "Override Extension"); off: an extension's own number wins.
    public var overridesExtensionCallerID: Bool

    /// Which of a schedule's states a route holds in.
    public enum ScheduleState: String, Codable, Sendable, CaseIterable {
        case open, closed
    }

    public var id: String { name }

    public init(
        name: String, prefixes: [String], trunks: [String], callers: [String] = [], schedule: String? = nil,
        scheduleState: ScheduleState = .open, callerID: String? = nil, prepend: String = "",
        overridesExtensionCallerID: Bool = false
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

    enum CodingKeys: String, CodingKey {
        case name, prefixes, trunks, callers, schedule, prepend
        case scheduleState = "schedule_state"
        case callerID = "caller_id"
        case overridesExtensionCallerID = "overrides_extension_caller_id"
    }

    public func validate() throws {
        let object = "outbound route \(name)"
        try Validation.objectName(name, field: "outbound route name")
        guard !prefixes.isEmpty else { throw StoreError.invalid("\(object) needs at least one prefix") }
        guard prefixes.count <= 100, trunks.count <= 20, callers.count <= 200 else {
            throw StoreError.invalid("\(object) has too many prefixes (100), trunks (20) or callers (200)")
        }
        for prefix in prefixes { try Self.validatePrefix(prefix, of: object) }
        guard !trunks.isEmpty else { throw StoreError.invalid("\(object) needs at least one trunk") }
        for trunk in trunks { try Validation.objectName(trunk, field: "trunk of \(object)") }
        guard Set(trunks).count == trunks.count else { throw StoreError.invalid("\(object) names a trunk twice") }
        for caller in callers { try Self.validateCaller(caller, of: object) }
        if let schedule { try Validation.objectName(schedule, field: "schedule of \(object)") }
        if let callerID { try Validation.e164(callerID, field: "caller ID of \(object)") }
        if overridesExtensionCallerID, callerID == nil {
            throw StoreError.invalid("\(object) cannot override extensions' numbers without a caller ID of its own")
        }
        guard prepend.count <= 10, prepend.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") }) else {
            throw StoreError.invalid(
                "prepend '\(prepend)' of \(object) is invalid: up to 10 digits, * or #, e.g. 1088 or #123")
        }
    }

    /// `+` and up to 15 digits, or 1 to 15 digits without it (short numbers).
    private static func validatePrefix(_ prefix: String, of object: String) throws {
        let digits = prefix.utf8.first == UInt8(ascii: "+") ? prefix.utf8.dropFirst() : prefix.utf8[...]
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard digits.count <= 15, digits.allSatisfy(isDigit), !prefix.isEmpty else {
            throw StoreError.invalid(
                "prefix '\(prefix)' of \(object) is invalid: expected the start of a number, e.g. +3630, +49 or 112")
        }
    }

    /// An extension number, or two of the same length joined by `-`, the first not above the second.
    private static func validateCaller(_ caller: String, of object: String) throws {
        let ends = caller.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let field = "caller '\(caller)' of \(object)"
        guard ends.count <= 2 else {
            throw StoreError.invalid("\(field) is invalid: expected an extension number or a range such as 2000-2099")
        }
        for end in ends { try Validation.extensionNumber(end, field: field) }
        if ends.count == 2, ends[0].count != ends[1].count || ends[0] > ends[1] {
            throw StoreError.invalid("\(field) is invalid: a range's ends have the same length, the lower first")
        }
    }
}

extension OutboundRouteRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbound_routes"
}
