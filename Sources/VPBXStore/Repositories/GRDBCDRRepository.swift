import Foundation
import GRDB

/// ``CDRRepository`` on a ``VPBXDatabase``.
public struct GRDBCDRRepository: CDRRepository {
    private typealias Columns = CDRRecord.Columns
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) {
        self.database = database
    }

    public func begin(_ record: CDRRecord) async throws {
        try record.validateBegin()
        try await database.write(record.objectName) { db in
            try Self.insert(record, db)
        }
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
        try await database.read("call \(CDRRecord.key(id))") { db in
            try Self.row(db, id)
        }
    }

    public func search(_ query: CDRQuery) async throws -> [CDRRecord] {
        try query.validate()
        let (sql, arguments) = CDRSearchSQL.statement(for: query)
        return try await database.read("the CDR search") { db in
            try CDRRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    @discardableResult
    public func recoverUnfinished(now: Date) async throws -> Int {
        try await database.write("unfinished calls") { db in
            let unfinished = try CDRRecord.filter(Columns.disposition == CallDisposition.inProgress)
                .fetchAll(db)
            for var record in unfinished {
                record.recover(at: now)
                try record.update(db)
            }
            return unfinished.count
        }
    }

    /// Reads, changes and writes back one row in a single transaction.
    private func change(_ id: UUID, _ body: @escaping @Sendable (inout CDRRecord) throws -> Void)
        async throws -> CDRRecord
    {
        try await database.write("call \(CDRRecord.key(id))") { db in
            try Self.change(id, db, body)
        }
    }

    /// The insert of ``begin(_:)`` inside a caller's transaction (the record is validated).
    static func insert(_ record: CDRRecord, _ db: Database) throws {
        try record.insert(db)
    }

    /// Reads, changes and writes back one row inside a caller's transaction.
    static func change(_ id: UUID, _ db: Database, _ body: (inout CDRRecord) throws -> Void) throws
        -> CDRRecord
    {
        guard var record = try row(db, id) else {
            throw StoreError.notFound("call \(CDRRecord.key(id))")
        }
        try body(&record)
        try record.update(db)
        return record
    }

    // By the text key: `fetchOne(db, key: uuid)` would look for GRDB's blob form.
    private static func row(_ db: Database, _ id: UUID) throws -> CDRRecord? {
        try CDRRecord.filter(Columns.id == CDRRecord.key(id)).fetchOne(db)
    }
}
