import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// A database that cannot grow (SQLITE_FULL, as on a full disk; simulated with SQLite's
/// `max_page_count`): the writer must report an I/O failure, the kind the core's write-behind
/// queue keeps retrying, and work again once there is room.
@Suite("Database full")
struct DatabaseFullTests {
    @Test("a full database refuses CDR writes as I/O failures, and takes them once it has room")
    func fullThenRoom() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let pages = try await database.writer.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
            return pages
        }
        let writer = GRDBStoreWriter(database: database)
        let calls = (0..<2_000).map { _ in Fixtures.call() }
        let failure = await #expect(throws: StoreWriteFailure.self) {
            try await writer.apply(calls.map { .cdrBegin($0) })
        }
        #expect(failure?.underlying.kind == .io)
        #expect(failure?.underlying.message.lowercased().contains("full") == true, "\(String(describing: failure))")

        _ = try await database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages * 1000)") }
        try await writer.apply(calls.map { .cdrBegin($0) })
        let stored = try await GRDBCDRRepository(database: database).get(id: calls[1_999].id)
        #expect(stored != nil)
    }
}
