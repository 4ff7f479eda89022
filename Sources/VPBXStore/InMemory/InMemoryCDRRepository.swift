import Foundation

/// ``CDRRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryCDRRepository: CDRRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) {
        self.store = store
    }

    public func begin(_ record: CDRRecord) async throws {
        try record.validateBegin()
        try await store.transaction { tables in try Self.insert(record, &tables) }
    }

    public func markAnswered(id: UUID, at time: Date) async throws {
        _ = try await change(id) { record in try record.markAnswered(at: time) }
    }

    public func markEncrypted(id: UUID) async throws {
        _ = try await change(id) { record in try record.markEncrypted() }
    }

    public func replacePath(id: UUID, path: [String]) async throws {
        _ = try await change(id) { record in try record.replacePath(path) }
    }

    @discardableResult
    public func finish(
        id: UUID, answeredAt: Date?, endedAt: Date, disposition: CallDisposition,
        cause: String, hangupSide: HangupSide?
    ) async throws -> CDRRecord {
        try await change(id) { record in
            try record.finish(
                answeredAt: answeredAt, endedAt: endedAt, disposition: disposition,
                cause: cause, hangupSide: hangupSide)
        }
    }

    public func get(id: UUID) async throws -> CDRRecord? {
        try await store.transaction { tables in tables.cdr[CDRRecord.key(id)] }
    }

    public func search(_ query: CDRQuery) async throws -> [CDRRecord] {
        try query.validate()
        return try await store.transaction { tables in
            Array(
                tables.cdr.values.filter(query.matches).sorted(by: CDRQuery.newestFirst)
                    .prefix(query.limit))
        }
    }

    @discardableResult
    public func recoverUnfinished(now: Date) async throws -> Int {
        try await store.transaction { tables in
            var count = 0
            for (key, var record) in tables.cdr where record.disposition == .inProgress {
                record.recover(at: now)
                tables.cdr[key] = record
                count += 1
            }
            return count
        }
    }

    private func change(_ id: UUID, _ body: @escaping @Sendable (inout CDRRecord) throws -> Void)
        async throws -> CDRRecord
    {
        try await store.transaction { tables in try Self.change(id, &tables, body) }
    }

    /// The insert of ``begin(_:)`` inside a caller's transaction (the record is validated).
    static func insert(_ record: CDRRecord, _ tables: inout InMemoryStore.Tables) throws {
        let key = CDRRecord.key(record.id)
        guard tables.cdr[key] == nil else {
            throw StoreError.alreadyExists(record.objectName)
        }
        tables.cdr[key] = record
    }

    /// Reads, changes and writes back one row inside a caller's transaction.
    static func change(
        _ id: UUID, _ tables: inout InMemoryStore.Tables, _ body: (inout CDRRecord) throws -> Void
    ) throws -> CDRRecord {
        let key = CDRRecord.key(id)
        guard var record = tables.cdr[key] else {
            throw StoreError.notFound("call \(key)")
        }
        try body(&record)
        tables.cdr[key] = record
        return record
    }
}
