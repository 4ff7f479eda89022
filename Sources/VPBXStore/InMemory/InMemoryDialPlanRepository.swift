/// ``DialPlanRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryDialPlanRepository: DialPlanRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func routes() async throws -> [RouteRecord] {
        try await store.transaction { tables in
            tables.routes.values.sorted { ExtensionRecord.dialPlanOrder($0.number, $1.number) }
        }
    }

    public func create(_ route: RouteRecord) async throws {
        try route.validate()
        try await store.transaction { tables in
            guard tables.routes[route.number] == nil else { throw StoreError.alreadyExists("route \(route.number)") }
            tables.routes[route.number] = route
        }
    }

    @discardableResult
    public func deleteRoute(_ number: String) async throws -> Bool {
        try await store.transaction { tables in tables.routes.removeValue(forKey: number) != nil }
    }

    public func timeConditions() async throws -> [TimeConditionRecord] {
        try await store.transaction { tables in
            tables.timeConditions.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func create(_ condition: TimeConditionRecord) async throws {
        try condition.validate()
        try await store.transaction { tables in
            guard tables.schedules[condition.schedule] != nil else {
                throw StoreError.notFound("schedule \(condition.schedule)")
            }
            guard tables.timeConditions[condition.name] == nil else {
                throw StoreError.alreadyExists("time condition \(condition.name)")
            }
            tables.timeConditions[condition.name] = condition
        }
    }

    public func replace(_ condition: TimeConditionRecord) async throws {
        try condition.validate()
        try await store.transaction { tables in
            guard tables.schedules[condition.schedule] != nil else {
                throw StoreError.notFound("schedule \(condition.schedule)")
            }
            guard tables.timeConditions[condition.name] != nil else {
                throw StoreError.notFound("time condition \(condition.name)")
            }
            tables.timeConditions[condition.name] = condition
        }
    }

    @discardableResult
    public func deleteTimeCondition(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.timeConditions.removeValue(forKey: name) != nil }
    }
}
