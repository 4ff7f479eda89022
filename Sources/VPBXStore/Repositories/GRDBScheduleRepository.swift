import Foundation
import GRDB

/// ``ScheduleRepository`` on a ``VPBXDatabase``.
public struct GRDBScheduleRepository: ScheduleRepository {
    private let database: VPBXDatabase
    private let now: @Sendable () -> Date

    public init(database: VPBXDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func create(_ record: ScheduleRecord) async throws -> ScheduleRecord {
        try record.validate()
        var stored = record
        stored.createdAt = now()
        stored.updatedAt = stored.createdAt
        let result = stored
        return try await database.write("schedule \(record.name)") { db in
            try result.insert(db)
            return result
        }
    }

    public func get(_ name: String) async throws -> ScheduleRecord? {
        try await database.read("schedule \(name)") { db in try ScheduleRecord.fetchOne(db, key: name) }
    }

    public func list() async throws -> [ScheduleRecord] {
        try await database.read("the schedule list") { db in
            try ScheduleRecord.order(Column("name")).fetchAll(db)
        }
    }

    public func replace(_ record: ScheduleRecord) async throws -> ScheduleRecord {
        try record.validate()
        let time = now()
        return try await database.write("schedule \(record.name)") { db in
            guard let current = try ScheduleRecord.fetchOne(db, key: record.name) else {
                throw StoreError.notFound("schedule \(record.name)")
            }
            var updated = record
            updated.createdAt = current.createdAt
            updated.updatedAt = time
            try updated.update(db)
            return updated
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await database.write("schedule \(name)") { db in try ScheduleRecord.deleteOne(db, key: name) }
    }
}

/// ``CalendarRepository`` on a ``VPBXDatabase``.
public struct GRDBCalendarRepository: CalendarRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func holidays() async throws -> [HolidayRecord] {
        try await database.read("the holiday list") { db in try HolidayRecord.order(Column("date")).fetchAll(db) }
    }

    public func put(_ holiday: HolidayRecord) async throws {
        try holiday.validate()
        try await database.write("holiday \(holiday.date)") { db in try holiday.upsert(db) }
    }

    @discardableResult
    public func deleteHoliday(on date: String) async throws -> Bool {
        try await database.write("holiday \(date)") { db in try HolidayRecord.deleteOne(db, key: date) }
    }

    public func swaps() async throws -> [WorkdaySwapRecord] {
        try await database.read("the swap list") { db in try WorkdaySwapRecord.order(Column("rest_day")).fetchAll(db) }
    }

    public func put(_ swap: WorkdaySwapRecord) async throws {
        try swap.validate()
        try await database.write("swap \(swap.restDay)") { db in
            try db.execute(
                sql: "DELETE FROM workday_swaps WHERE rest_day = ? OR workday = ?",
                arguments: [swap.restDay, swap.workday])
            try swap.insert(db)
        }
    }

    @discardableResult
    public func deleteSwap(restDay: String) async throws -> Bool {
        try await database.write("swap \(restDay)") { db in try WorkdaySwapRecord.deleteOne(db, key: restDay) }
    }
}
