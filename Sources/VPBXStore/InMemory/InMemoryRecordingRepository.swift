import Foundation
import Synchronization

/// ``RecordingRepository`` in memory, for tests of what uses it.
public final class InMemoryRecordingRepository: RecordingRepository {
    private let rows = Mutex<[String: RecordingRecord]>([:])

    public init() {}

    public func add(_ record: RecordingRecord) async throws {
        try rows.withLock { rows in
            guard rows[record.id] == nil else { throw StoreError.alreadyExists("recording \(record.id)") }
            rows[record.id] = record
        }
    }

    public func update(_ record: RecordingRecord) async throws {
        try rows.withLock { rows in
            guard rows[record.id] != nil else { throw StoreError.notFound("recording \(record.id)") }
            rows[record.id] = record
        }
    }

    public func recording(id: String) async throws -> RecordingRecord? { rows.withLock { $0[id] } }

    public func search(_ query: RecordingQuery) async throws -> [RecordingRecord] {
        let all = rows.withLock { Array($0.values) }
        return Array(
            all.filter { record in
                (query.since.map { record.startedAt >= $0 } ?? true) && (query.until.map { record.startedAt < $0 } ?? true)
                    && (query.number.map { record.caller == $0 || record.callee == $0 } ?? true)
                    && (query.callID.map { record.callID == $0.lowercased() } ?? true)
                    && (query.includeDeleted || record.state != .deleted)
            }
            .sorted { $0.startedAt > $1.startedAt }
            .prefix(max(0, query.limit)))
    }

    public func expired(before date: Date, limit: Int) async throws -> [RecordingRecord] {
        let all = rows.withLock { Array($0.values) }
        return Array(
            all.filter { $0.retainUntil < date && $0.state != .deleted && $0.state != .recording }
                .sorted { $0.retainUntil < $1.retainUntil }.prefix(limit))
    }

    public func unfinished() async throws -> [RecordingRecord] {
        rows.withLock { $0.values.filter { $0.state == .recording } }
    }

    public func encryptedOnDisk() async throws -> Int {
        rows.withLock { $0.values.filter { $0.path.hasSuffix(".enc") && $0.state != .deleted }.count }
    }
}
