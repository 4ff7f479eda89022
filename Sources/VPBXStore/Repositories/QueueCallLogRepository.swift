import Foundation
import GRDB

/// Stores finished queue callers for reports. Errors are ``StoreError``s.
public protocol QueueCallLogRepository: Sendable {
    /// Validates and stores one finished caller; returns it with its id.
    @discardableResult
    func insert(_ record: QueueCallLogRecord) async throws -> QueueCallLogRecord
    /// Folds `update` over the records of `queue` (nil: every queue) that can have an event
    /// in `[from, until)` (joined before `until`, last event at or after `from`), by joining
    /// time then id, without holding them all (a report over a year reads over a million).
    func reduce<Result: Sendable>(
        queue: String?, from: Date, until: Date, into initial: Result,
        _ update: @escaping @Sendable (inout Result, QueueCallLogRecord) throws -> Void
    ) async throws -> Result
}

extension QueueCallLogRepository {
    /// The records ``reduce(queue:from:until:into:_:)`` folds over, in its order.
    public func records(queue: String?, from: Date, until: Date) async throws -> [QueueCallLogRecord] {
        try await reduce(queue: queue, from: from, until: until, into: []) { $0.append($1) }
    }
}

/// ``QueueCallLogRepository`` on a ``VPBXDatabase``.
public struct GRDBQueueCallLogRepository: QueueCallLogRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    @discardableResult
    public func insert(_ record: QueueCallLogRecord) async throws -> QueueCallLogRecord {
        try record.validate()
        var stored = record
        stored.id = nil
        let row = stored
        return try await database.write("a call of queue \(record.queue)") { db in
            var inserted = row
            try inserted.insert(db)
            return inserted
        }
    }

    public func reduce<Result: Sendable>(
        queue: String?, from: Date, until: Date, into initial: Result,
        _ update: @escaping @Sendable (inout Result, QueueCallLogRecord) throws -> Void
    ) async throws -> Result {
        try await database.read("the calls of queue \(queue ?? "(all)")") { db in
            var result = initial
            let cursor = try Self.periodRequest(db, queue: queue, from: from, until: until).fetchCursor(db)
            while let record = try cursor.next() { try update(&result, record) }
            return result
        }
    }

    /// The records of `queue` (nil: all) with an event in `[from, until)`, by joining time.
    ///
    /// Only callers who joined at most the longest stored story ago can have an event in the
    /// period: with that lower bound the joining-time index is read over the period and that
    /// margin, not back to the first call ever stored (before, a report on yesterday read the
    /// whole history).
    static func periodRequest(
        _ db: Database, queue: String?, from: Date, until: Date
    ) throws -> QueryInterfaceRequest<QueueCallLogRecord> {
        typealias Columns = QueueCallLogRecord.Columns
        let longestDays = try Double.fetchOne(db, sql: QueueCallLogRecord.longestSpanSQL) ?? 0
        // A second more than the longest: julianday's arithmetic is in days, as a double.
        let earliestJoin = from.addingTimeInterval(-(longestDays * 86_400 + 1))
        var request = QueueCallLogRecord.filter(
            Columns.joinedAt >= earliestJoin && Columns.joinedAt < until && Columns.lastEventAt >= from)
        if let queue { request = request.filter(Columns.queue == queue) }
        return request.order(Columns.joinedAt, Columns.id)
    }
}

/// ``QueueCallLogRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryQueueCallLogRepository: QueueCallLogRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    @discardableResult
    public func insert(_ record: QueueCallLogRecord) async throws -> QueueCallLogRecord {
        try record.validate()
        return try await store.transaction { tables in
            var stored = record
            stored.id = tables.nextQueueCallID
            tables.nextQueueCallID += 1
            tables.queueCalls.append(stored)
            return stored
        }
    }

    public func reduce<Result: Sendable>(
        queue: String?, from: Date, until: Date, into initial: Result,
        _ update: @escaping @Sendable (inout Result, QueueCallLogRecord) throws -> Void
    ) async throws -> Result {
        let records = try await store.transaction { tables in
            tables.queueCalls.filter { record in
                (queue == nil || record.queue == queue) && record.joinedAt < until && record.lastEventAt >= from
            }.sorted { ($0.joinedAt, $0.id ?? 0) < ($1.joinedAt, $1.id ?? 0) }
        }
        var result = initial
        for record in records { try update(&result, record) }
        return result
    }
}
