/// Stores routes (numbers → destinations) and time conditions. Errors are ``StoreError``s.
public protocol DialPlanRepository: Sendable {
    func routes() async throws -> [RouteRecord]
    /// Inserts a route; `conflict` if the number has one.
    func create(_ route: RouteRecord) async throws
    @discardableResult
    func deleteRoute(_ number: String) async throws -> Bool

    func timeConditions() async throws -> [TimeConditionRecord]
    /// Inserts a time condition; `conflict` if the name exists, `notFound` if its schedule
    /// does not.
    func create(_ condition: TimeConditionRecord) async throws
    /// Replaces a time condition; `notFound` if it (or its schedule) does not exist.
    func replace(_ condition: TimeConditionRecord) async throws
    @discardableResult
    func deleteTimeCondition(_ name: String) async throws -> Bool

    /// Trunks, by priority then name (the order outgoing calls try them).
    func trunks() async throws -> [TrunkRecord]
    /// Inserts a trunk; `conflict` if the name exists.
    func create(_ trunk: TrunkRecord) async throws
    /// Replaces a trunk; `notFound` if it does not exist.
    func replace(_ trunk: TrunkRecord) async throws
    @discardableResult
    func deleteTrunk(_ name: String) async throws -> Bool

    /// Outbound routes (which trunks carry which numbers), by name.
    func outboundRoutes() async throws -> [OutboundRouteRecord]
    /// Inserts an outbound route; `conflict` if the name exists.
    func create(_ route: OutboundRouteRecord) async throws
    /// Replaces an outbound route; `notFound` if it does not exist.
    func replace(_ route: OutboundRouteRecord) async throws
    @discardableResult
    func deleteOutboundRoute(_ name: String) async throws -> Bool

    /// Conference rooms with settings (a PIN, a limit), by name.
    func conferenceRooms() async throws -> [ConferenceRoomRecord]
    /// Inserts or replaces a room's settings (`create`: `conflict` if the name exists).
    func create(_ room: ConferenceRoomRecord) async throws
    /// Replaces a room's settings; `notFound` if it has none.
    func replace(_ room: ConferenceRoomRecord) async throws
    @discardableResult
    func deleteConferenceRoom(_ name: String) async throws -> Bool

    /// How phones may dial public numbers (the area, an outside-line prefix); the defaults
    /// (neither) when never set.
    func numbering() async throws -> NumberingRecord
    /// Replaces the numbering settings; `invalidArgument` if an area code or prefix is not one.
    func setNumbering(_ numbering: NumberingRecord) async throws
}
