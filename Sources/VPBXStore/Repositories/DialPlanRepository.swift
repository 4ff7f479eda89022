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
}
