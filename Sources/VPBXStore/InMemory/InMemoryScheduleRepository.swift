import Foundation

/// ``ScheduleRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryScheduleRepository: ScheduleRepository {
    private let store: InMemoryStore
    private let now: @Sendable () -> Date

    public init(store: InMemoryStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    public func create(_ record: ScheduleRecord) async throws -> ScheduleRecord {
        try record.validate()
        var stored = record
        stored.createdAt = now()
        stored.updatedAt = stored.createdAt
        let result = stored
        return try await store.transaction { tables in
            guard tables.schedules[result.name] == nil else {
                throw StoreError.alreadyExists("schedule \(result.name)")
            }
            tables.schedules[result.name] = result
            return result
        }
    }

    public func get(_ name: String) async throws -> ScheduleRecord? {
        try await store.transaction { tables in tables.schedules[name] }
    }

    public func list() async throws -> [ScheduleRecord] {
        try await store.transaction { tables in
            tables.schedules.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func replace(_ record: ScheduleRecord) async throws -> ScheduleRecord {
        try record.validate()
        let time = now()
        return try await store.transaction { tables in
            guard let current = tables.schedules[record.name] else {
                throw StoreError.notFound("schedule \(record.name)")
            }
            var updated = record
            updated.createdAt = current.createdAt
            updated.updatedAt = time
            tables.schedules[record.name] = updated
            return updated
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await store.transaction { tables in
            // The twin of ON DELETE RESTRICT on time_conditions.schedule.
            if tables.timeConditions.values.contains(where: { $0.schedule == name }) {
                throw StoreError(.notFound, "schedule \(name) refers to a missing object")
            }
            return tables.schedules.removeValue(forKey: name) != nil
        }
    }
}

/// ``CalendarRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryCalendarRepository: CalendarRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func holidays() async throws -> [HolidayRecord] {
        try await store.transaction { tables in tables.holidays.values.sorted { $0.date < $1.date } }
    }

    public func put(_ holiday: HolidayRecord) async throws {
        try holiday.validate()
        try await store.transaction { tables in tables.holidays[holiday.date] = holiday }
    }

    @discardableResult
    public func deleteHoliday(on date: String) async throws -> Bool {
        try await store.transaction { tables in tables.holidays.removeValue(forKey: date) != nil }
    }

    public func swaps() async throws -> [WorkdaySwapRecord] {
        try await store.transaction { tables in tables.swaps.values.sorted { $0.restDay < $1.restDay } }
    }

    public func put(_ swap: WorkdaySwapRecord) async throws {
        try swap.validate()
        try await store.transaction { tables in
            tables.swaps = tables.swaps.filter { $0.value.restDay != swap.restDay && $0.value.workday != swap.workday }
            tables.swaps[swap.restDay] = swap
        }
    }

    @discardableResult
    public func deleteSwap(restDay: String) async throws -> Bool {
        try await store.transaction { tables in tables.swaps.removeValue(forKey: restDay) != nil }
    }
}
