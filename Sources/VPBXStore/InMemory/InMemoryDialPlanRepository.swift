/// ``DialPlanRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryDialPlanRepository: DialPlanRepository {
    let store: InMemoryStore

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

    public func trunks() async throws -> [TrunkRecord] {
        try await store.transaction { tables in
            tables.trunks.values.sorted {
                $0.priority != $1.priority ? $0.priority < $1.priority : $0.name.precedesInBinaryCollation($1.name)
            }
        }
    }

    public func create(_ trunk: TrunkRecord) async throws {
        try trunk.validate()
        try await store.transaction { tables in
            guard tables.trunks[trunk.name] == nil else { throw StoreError.alreadyExists("trunk \(trunk.name)") }
            tables.trunks[trunk.name] = trunk
        }
    }

    public func replace(_ trunk: TrunkRecord) async throws {
        try trunk.validate()
        try await store.transaction { tables in
            guard tables.trunks[trunk.name] != nil else { throw StoreError.notFound("trunk \(trunk.name)") }
            tables.trunks[trunk.name] = trunk
        }
    }

    @discardableResult
    public func deleteTrunk(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.trunks.removeValue(forKey: name) != nil }
    }

    public func conferenceRooms() async throws -> [ConferenceRoomRecord] {
        try await store.transaction { tables in
            tables.conferenceRooms.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func create(_ room: ConferenceRoomRecord) async throws {
        try room.validate()
        try await store.transaction { tables in
            guard tables.conferenceRooms[room.name] == nil else {
                throw StoreError.alreadyExists("conference room \(room.name)")
            }
            tables.conferenceRooms[room.name] = room
        }
    }

    public func replace(_ room: ConferenceRoomRecord) async throws {
        try room.validate()
        try await store.transaction { tables in
            guard tables.conferenceRooms[room.name] != nil else { throw StoreError.notFound("conference room \(room.name)") }
            tables.conferenceRooms[room.name] = room
        }
    }

    @discardableResult
    public func deleteConferenceRoom(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.conferenceRooms.removeValue(forKey: name) != nil }
    }
}
