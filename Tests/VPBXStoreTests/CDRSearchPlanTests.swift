import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// How SQLite runs a CDR search: on a number it must walk the (number, time) indexes, never
/// the whole table or every call of the number (bench/cdr-search measures what that costs).
@Suite("CDR search plan")
struct CDRSearchPlanTests {
    private let start = TestClock.start

    /// SQLite's EXPLAIN QUERY PLAN lines of the search's statement.
    private func plan(_ query: CDRQuery, _ database: VPBXDatabase) async throws -> [String] {
        let (sql, arguments) = CDRSearchSQL.statement(for: query)
        return try await database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
        }
    }

    @Test func theCDRTableHasTheNumberByTimeIndexes() async throws {
        let database = try VPBXDatabase.inMemory()
        let indexes = try await database.writer.read { db in
            Dictionary(uniqueKeysWithValues: try db.indexes(on: "cdr").map { ($0.name, $0.columns) })
        }
        #expect(indexes["cdr_by_caller"] == ["caller", "started_at"])
        #expect(indexes["cdr_by_callee"] == ["callee", "started_at"])
        #expect(indexes["cdr_on_started_at"] == ["started_at"])
        #expect(indexes["cdr_on_caller"] == nil)
        #expect(indexes["cdr_on_callee"] == nil)
    }

    @Test(arguments: [
        CDRQuery(number: "201"),
        CDRQuery(number: "201", disposition: .busy, limit: 10),
        CDRQuery(since: TestClock.start, number: "+3612345678"),
        CDRQuery(number: "201", encrypted: true),
    ])
    func aNumberIsSearchedOnBothIndexesWithoutAScan(query: CDRQuery) async throws {
        let database = try VPBXDatabase.inMemory()
        let details = try await plan(query, database)
        #expect(details.contains { $0.hasPrefix("SEARCH cdr USING INDEX cdr_by_caller (caller=?") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("SEARCH cdr USING INDEX cdr_by_callee (callee=?") }, "\(details)")
        #expect(!details.contains { $0.hasPrefix("SCAN cdr") || $0.contains("MULTI-INDEX OR") }, "\(details)")
    }

    @Test func aNumberInAPeriodUsesTheTimeColumnOfTheIndexes() async throws {
        let database = try VPBXDatabase.inMemory()
        let details = try await plan(
            CDRQuery(since: start, until: start.addingTimeInterval(86_400), number: "201"), database)
        #expect(details.contains("SEARCH cdr USING INDEX cdr_by_caller (caller=? AND started_at>? AND started_at<?)"))
        #expect(details.contains("SEARCH cdr USING INDEX cdr_by_callee (callee=? AND started_at>? AND started_at<?)"))
    }

    @Test func aPeriodWithoutANumberUsesTheTimeIndex() async throws {
        let database = try VPBXDatabase.inMemory()
        let details = try await plan(CDRQuery(since: start, until: start.addingTimeInterval(3600)), database)
        #expect(details.contains { $0.hasPrefix("SEARCH cdr USING INDEX cdr_on_started_at (started_at>? AND started_at<?)") }, "\(details)")
    }

    /// The next page of an export reads the index from the last record on, as the first
    /// page reads it from the newest; leaving out calls in progress changes neither plan.
    @Test func aNextPageStartsFromItsPosition() async throws {
        let database = try VPBXDatabase.inMemory()
        let position = CDRPosition(startedAt: start, id: UUID())
        let all = try await plan(CDRQuery(limit: 5000, before: position, finishedOnly: true), database)
        #expect(all.contains { $0.hasPrefix("SEARCH cdr USING INDEX cdr_on_started_at (started_at<?)") }, "\(all)")
        let number = try await plan(CDRQuery(number: "201", limit: 5000, before: position, finishedOnly: true), database)
        #expect(number.contains("SEARCH cdr USING INDEX cdr_by_caller (caller=? AND started_at<?)"), "\(number)")
        #expect(number.contains("SEARCH cdr USING INDEX cdr_by_callee (callee=? AND started_at<?)"), "\(number)")
    }

    /// A database made by the previous version (number-only indexes, rows in them) gets the
    /// new indexes on open, says so first (the engine logs it), and keeps its rows.
    @Test func anOlderDatabaseIsReindexedAndKeepsItsCalls() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + VPBXDatabase.fileName
        let call = Fixtures.call(caller: "201", callee: "202")
        do {
            let queue = try DatabaseQueue(path: path)
            try VPBXDatabase.migrator.migrate(queue, upTo: "v12-extension-qualify")
            // The columns of that version: the record's own mapping writes today's.
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cdr (id, sip_call_id, caller, callee, started_at, disposition)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        CDRRecord.key(call.id), call.sipCallID, call.caller, call.callee,
                        StorageDateText.text(call.startedAt), call.disposition.rawValue,
                    ])
            }
            let old = try await queue.read { db in try db.indexes(on: "cdr").map(\.name) }
            #expect(old.contains("cdr_on_caller"))
            try queue.close()
        }
        var announced: [String] = []
        let database = try VPBXDatabase.open(dataDirectory: directory.path) { announced += $0 }
        defer { try? database.close() }
        #expect(announced == ["v13-cdr-number-time-indexes", "v14-queue-call-span-index", "v15-registration-routing", "v16-call-recordings", "v17-trunks", "v18-extension-outbound", "v19-conference-rooms", "v20-trunk-checks", "v21-extension-forwarding", "v22-trunk-pass-caller-id", "v23-extension-withhold-number", "v24-extension-mobile-confirm", "v25-extension-srtp", "v26-cdr-encrypted", "v27-outbound-routes", "v28-conference-leader", "v29-outbound-route-options", "v30-queue-record-calls", "v31-trunk-srtp", "v32-trunk-srv", "v33-conference-record-calls", "v34-outbound-route-override-caller-id", "v35-numbering", "v36-mailbox-email", "v37-voicemail-email-outbox", "v38-extension-do-not-disturb"])
        #expect(try await database.appliedMigrations() == VPBXDatabase.migrationNames)
        let names = try await database.writer.read { db in Set(try db.indexes(on: "cdr").map(\.name)) }
        #expect(names.isSuperset(of: ["cdr_by_caller", "cdr_by_callee"]))
        #expect(names.isDisjoint(with: ["cdr_on_caller", "cdr_on_callee"]))
        let found = try await GRDBCDRRepository(database: database).search(CDRQuery(number: "202"))
        #expect(found.map(\.id) == [call.id])
    }

    @Test func aNewDatabaseAnnouncesNoUpgrade() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var announced: [String] = []
        do {
            let database = try VPBXDatabase.open(dataDirectory: directory.path) { announced += $0 }
            try database.close()
        }
        let reopened = try VPBXDatabase.open(dataDirectory: directory.path) { announced += $0 }
        try reopened.close()
        #expect(announced.isEmpty)
    }
}
