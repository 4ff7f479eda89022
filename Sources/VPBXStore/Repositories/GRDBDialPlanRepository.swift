import GRDB

/// ``DialPlanRepository`` on a ``VPBXDatabase``.
public struct GRDBDialPlanRepository: DialPlanRepository {
    let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func routes() async throws -> [RouteRecord] {
        try await database.read("the route list") { db in
            try RouteRecord.order(length(Column("number")), Column("number")).fetchAll(db)
        }
    }

    public func create(_ route: RouteRecord) async throws {
        try route.validate()
        try await database.write("route \(route.number)") { db in try route.insert(db) }
    }

    @discardableResult
    public func deleteRoute(_ number: String) async throws -> Bool {
        try await database.write("route \(number)") { db in try RouteRecord.deleteOne(db, key: number) }
    }

    public func timeConditions() async throws -> [TimeConditionRecord] {
        try await database.read("the time condition list") { db in
            try TimeConditionRecord.order(Column("name")).fetchAll(db)
        }
    }

    public func create(_ condition: TimeConditionRecord) async throws {
        try condition.validate()
        try await database.write("time condition \(condition.name)") { db in
            guard try ScheduleRecord.exists(db, key: condition.schedule) else {
                throw StoreError.notFound("schedule \(condition.schedule)")
            }
            try condition.insert(db)
        }
    }

    public func replace(_ condition: TimeConditionRecord) async throws {
        try condition.validate()
        try await database.write("time condition \(condition.name)") { db in
            guard try ScheduleRecord.exists(db, key: condition.schedule) else {
                throw StoreError.notFound("schedule \(condition.schedule)")
            }
            guard try TimeConditionRecord.exists(db, key: condition.name) else {
                throw StoreError.notFound("time condition \(condition.name)")
            }
            try condition.update(db)
        }
    }

    @discardableResult
    public func deleteTimeCondition(_ name: String) async throws -> Bool {
        try await database.write("time condition \(name)") { db in try TimeConditionRecord.deleteOne(db, key: name) }
    }

    public func trunks() async throws -> [TrunkRecord] {
        try await database.read("the trunk list") { db in
            try TrunkRecord.order(Column("priority"), Column("name")).fetchAll(db)
        }
    }

    public func create(_ trunk: TrunkRecord) async throws {
        try trunk.validate()
        try await database.write("trunk \(trunk.name)") { db in try trunk.insert(db) }
    }

    public func replace(_ trunk: TrunkRecord) async throws {
        try trunk.validate()
        try await database.write("trunk \(trunk.name)") { db in
            guard try TrunkRecord.exists(db, key: trunk.name) else { throw StoreError.notFound("trunk \(trunk.name)") }
            try trunk.update(db)
        }
    }

    @discardableResult
    public func deleteTrunk(_ name: String) async throws -> Bool {
        try await database.write("trunk \(name)") { db in try TrunkRecord.deleteOne(db, key: name) }
    }

    public func conferenceRooms() async throws -> [ConferenceRoomRecord] {
        try await database.read("the conference rooms") { db in try ConferenceRoomRecord.order(Column("name")).fetchAll(db) }
    }

    public func create(_ room: ConferenceRoomRecord) async throws {
        try room.validate()
        try await database.write("conference room \(room.name)") { db in try room.insert(db) }
    }

    public func replace(_ room: ConferenceRoomRecord) async throws {
        try room.validate()
        try await database.write("conference room \(room.name)") { db in
            guard try ConferenceRoomRecord.exists(db, key: room.name) else {
                throw StoreError.notFound("conference room \(room.name)")
            }
            try room.update(db)
        }
    }

    @discardableResult
    public func deleteConferenceRoom(_ name: String) async throws -> Bool {
        try await database.write("conference room \(name)") { db in try ConferenceRoomRecord.deleteOne(db, key: name) }
    }
}
