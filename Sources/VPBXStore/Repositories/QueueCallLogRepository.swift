import Foundation
import GRDB

/// Stores finished queue callers for reports. Errors are ``StoreError``s.
public protocol QueueCallLogRepository: Sendable {
    /// Validates and stores one finished caller; returns it with its id.
    @discardableResult
    func insert(_ record: QueueCallLogRecord) async throws -> QueueCallLogRecord
    /// The records of `queue` (nil: every queue) with at least one event in `[from, until)`:
    /// joined before `until` and last event at or after `from`. By joining time, then id.
    func records(queue: String?, from: Date, until: Date) async throws -> [QueueCallLogRecord]
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

    public func records(queue: String?, from: Date, until: Date) async throws -> [QueueCallLogRecord] {
        try await database.read("the calls of queue \(queue ?? "(all)")") { db in
            typealias Columns = QueueCallLogRecord.Columns
            var request = QueueCallLogRecord.filter(Columns.joinedAt < until && Columns.lastEventAt >= from)
            if let queue { request = request.filter(Columns.queue == queue) }
            return try request.order(Columns.joinedAt, Columns.id).fetchAll(db)
        }
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

    public func records(queue: String?, from: Date, until: Date) async throws -> [QueueCallLogRecord] {
        try await store.transaction { tables in
            tables.queueCalls.filter { record in
                (queue == nil || record.queue == queue) && record.joinedAt < until && record.lastEventAt >= from
            }.sorted { ($0.joinedAt, $0.id ?? 0) < ($1.joinedAt, $1.id ?? 0) }
        }
    }
}
