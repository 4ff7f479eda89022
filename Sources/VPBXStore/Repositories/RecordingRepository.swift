import Foundation
import GRDB

/// The index of call recordings. Errors are ``StoreError``s.
public protocol RecordingRepository: Sendable {
    /// Inserts a recording as it starts. Throws `conflict` if the id exists.
    func add(_ record: RecordingRecord) async throws
    /// Replaces the row of `record.id`. Throws `notFound`.
    func update(_ record: RecordingRecord) async throws
    func recording(id: String) async throws -> RecordingRecord?
    func search(_ query: RecordingQuery) async throws -> [RecordingRecord]
    /// Recordings still on disk whose retention ended before `date`, oldest first, at most `limit`.
    func expired(before date: Date, limit: Int) async throws -> [RecordingRecord]
    /// Recordings left in state `recording` (by an engine that stopped).
    func unfinished() async throws -> [RecordingRecord]
    /// How many recordings still on disk are encrypted (`.wav.enc`), for an engine started
    /// without a key to say that it cannot read them.
    func encryptedOnDisk() async throws -> Int
}

/// ``RecordingRepository`` on a ``VPBXDatabase``.
public struct GRDBRecordingRepository: RecordingRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) {
        self.database = database
    }

    public func add(_ record: RecordingRecord) async throws {
        try await database.write("recording \(record.id)") { db in try record.insert(db) }
    }

    public func update(_ record: RecordingRecord) async throws {
        try await database.write("recording \(record.id)") { db in
            try record.update(db)
        }
    }

    public func recording(id: String) async throws -> RecordingRecord? {
        try await database.read("recording \(id)") { db in try RecordingRecord.fetchOne(db, key: id) }
    }

    public func search(_ query: RecordingQuery) async throws -> [RecordingRecord] {
        try await database.read("the recording list") { db in
            typealias Column = RecordingRecord.CodingKeys
            var request = RecordingRecord.all()
            if let since = query.since { request = request.filter(Column.startedAt >= since) }
            if let until = query.until { request = request.filter(Column.startedAt < until) }
            if let number = query.number { request = request.filter(Column.caller == number || Column.callee == number) }
            if let callID = query.callID { request = request.filter(Column.callID == callID.lowercased()) }
            if !query.includeDeleted { request = request.filter(Column.state != RecordingState.deleted.rawValue) }
            return try request.order(Column.startedAt.desc).limit(max(0, query.limit)).fetchAll(db)
        }
    }

    public func expired(before date: Date, limit: Int) async throws -> [RecordingRecord] {
        try await database.read("the expired recordings") { db in
            typealias Column = RecordingRecord.CodingKeys
            return try RecordingRecord
                .filter(Column.retainUntil < date && Column.state != RecordingState.deleted.rawValue
                    && Column.state != RecordingState.recording.rawValue)
                .order(Column.retainUntil).limit(limit).fetchAll(db)
        }
    }

    public func encryptedOnDisk() async throws -> Int {
        try await database.read("the encrypted recordings") { db in
            typealias Column = RecordingRecord.CodingKeys
            return try RecordingRecord
                .filter(Column.path.like("%.enc") && Column.state != RecordingState.deleted.rawValue).fetchCount(db)
        }
    }

    public func unfinished() async throws -> [RecordingRecord] {
        try await database.read("the unfinished recordings") { db in
            try RecordingRecord.filter(RecordingRecord.CodingKeys.state == RecordingState.recording.rawValue).fetchAll(db)
        }
    }
}
