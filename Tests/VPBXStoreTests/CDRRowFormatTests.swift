import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// The CDR table's column text, which the hand-written row mapping must keep exactly as the
/// Codable-derived mapping wrote it: databases written by earlier builds are read by later ones.
@Suite("CDR row format")
struct CDRRowFormatTests {
    /// A row as the Codable-derived mapping stored it (text copied from a database of an
    /// earlier build) reads back field for field.
    @Test func rowsWrittenByEarlierBuildsRead() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let record = try await database.writer.write { db -> CDRRecord? in
            try db.execute(
                sql: """
                    INSERT INTO cdr (id, sip_call_id, caller, caller_name, callee, started_at, answered_at, ended_at,
                      duration_seconds, billable_seconds, disposition, cause, hangup_side, path)
                    VALUES ('6f1c2a52-8e9d-4c3b-a1f0-0123456789ab', 'abc@host', '1001', 'Kovács Éva',
                      '1002', '2026-11-30 12:00:00.125', '2026-11-30 12:00:02.500', '2026-11-30 12:00:12.750',
                      13, 10, 'answered', 'BYE', 'callee', '["queue:sales","ivr:main\\/1"]')
                    """)
            return try CDRRecord.fetchOne(db, sql: "SELECT * FROM cdr")
        }
        let row = try #require(record)
        #expect(row.id == UUID(uuidString: "6F1C2A52-8E9D-4C3B-A1F0-0123456789AB"))
        #expect(row.sipCallID == "abc@host")
        #expect(row.callerName == "Kovács Éva")
        #expect(row.startedAt == Date(timeIntervalSince1970: 1_796_040_000.125))
        #expect(row.answeredAt == Date(timeIntervalSince1970: 1_796_040_002.5))
        #expect(row.endedAt == Date(timeIntervalSince1970: 1_796_040_012.75))
        #expect(row.durationSeconds == 13 && row.billableSeconds == 10)
        #expect(row.disposition == .answered && row.cause == "BYE" && row.hangupSide == .callee)
        #expect(row.path == ["queue:sales", "ivr:main/1"])
        #expect(row.encrypted == false)  // a row without the column's value: its default
    }

    /// Written through the store writer's statements, every column holds the text above.
    @Test func writtenColumnsKeepTheirText() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let id = try #require(UUID(uuidString: "6F1C2A52-8E9D-4C3B-A1F0-0123456789AB"))
        let record = CDRRecord(
            id: id, sipCallID: "abc@host", caller: "1001", callee: "1002",
            startedAt: Date(timeIntervalSince1970: 1_796_040_000.125), path: ["say \"hi\"", "a/b"])
        let writer = GRDBStoreWriter(database: database)
        try await writer.apply([.cdrBegin(record)])
        try await writer.apply([
            .cdrFinish(
                id: id, answeredAt: nil, endedAt: Date(timeIntervalSince1970: 1_796_040_003), disposition: .busy,
                cause: "486 Busy Here", hangupSide: .callee)
        ])
        let stored = try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, started_at, ended_at, disposition, hangup_side, answered_at, path FROM cdr")
        }
        let columns = try #require(stored)
        #expect(columns["id"] as String? == "6f1c2a52-8e9d-4c3b-a1f0-0123456789ab")
        #expect(columns["started_at"] as String? == "2026-11-30 12:00:00.125")
        #expect(columns["ended_at"] as String? == "2026-11-30 12:00:03.000")
        #expect(columns["disposition"] as String? == "busy")
        #expect(columns["hangup_side"] as String? == "callee")
        #expect(columns["answered_at"] as String? == nil)
        #expect(columns["path"] as String? == #"["say \"hi\"","a\/b"]"#)

        let read = try await GRDBCDRRepository(database: database).get(id: id)
        #expect(read?.path == ["say \"hi\"", "a/b"])
        #expect(read?.disposition == .busy && read?.billableSeconds == 0 && read?.durationSeconds == 3)
    }

    /// Finishing a call whose row is gone says so instead of writing nothing quietly.
    @Test func updatingAMissingRowIsNotFound() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let record = CDRRecord(id: UUID(), sipCallID: "x", caller: "1", callee: "2", startedAt: Date())
        for includingPath in [false, true] {
            #expect(throws: StoreError.self) {
                try database.writer.write { db in try record.updateLifecycle(db, includingPath: includingPath) }
            }
        }
    }

    /// Later batches write only what a call's steps change: a path replaced after the row was
    /// committed is written, an answer or finish alone leaves the path (and the identifying
    /// columns) as the INSERT wrote them.
    @Test func laterStepsWriteWhatTheyChangeAndLeaveTheRest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let id = UUID()
        let start = Date(timeIntervalSince1970: 1_796_040_000)
        let writer = GRDBStoreWriter(database: database)
        try await writer.apply([
            .cdrBegin(CDRRecord(id: id, sipCallID: "c@h", caller: "1001", callee: "ivr-main", startedAt: start, path: ["ivr:main"]))
        ])
        try await writer.apply([.cdrPath(id: id, path: ["ivr:main", "ext:1002"])])
        try await writer.apply([.cdrAnswered(id: id, at: start.addingTimeInterval(2))])
        try await writer.apply([
            .cdrFinish(
                id: id, answeredAt: start.addingTimeInterval(2), endedAt: start.addingTimeInterval(12), disposition: .answered,
                cause: "BYE", hangupSide: .caller)
        ])
        let read = try #require(try await GRDBCDRRepository(database: database).get(id: id))
        #expect(read.path == ["ivr:main", "ext:1002"])
        #expect(read.caller == "1001" && read.callee == "ivr-main" && read.sipCallID == "c@h")
        #expect(read.startedAt == start && read.answeredAt == start.addingTimeInterval(2))
        #expect(read.disposition == .answered && read.billableSeconds == 10 && read.durationSeconds == 12)
        #expect(read.hangupSide == .caller && read.cause == "BYE")
    }
}

/// The integer date formatter writes what GRDB's `DateFormatter` writes.
@Suite("Storage date text")
struct StorageDateTextTests {
    @Test func matchesGRDBsText() {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 951_782_400),
            Date(timeIntervalSince1970: 1_796_040_000.9999), Date(timeIntervalSince1970: 4_107_542_399.999),
            Date(timeIntervalSince1970: 1_709_164_800.001),  // 2024-02-29, a leap day
        ]
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_200_000_000, using: &generator)))
        }
        for date in dates {
            #expect(StorageDateText.text(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
    }

    /// What it reads is what GRDB's own decoding reads from the same text, to the bit; other
    /// forms are left to GRDB.
    @Test func readsWhatGRDBReads() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["1970-01-01 00:00:00.000", "1969-12-31 23:59:59.999", "2000-02-29 12:00:00.001", "2100-03-01 00:00:00.000"]
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_200_000_000, using: &generator))
            texts.append(StorageDateText.text(date))
        }
        for text in texts {
            let expected = try #require(Date.fromDatabaseValue(text.databaseValue), "\(text)")
            #expect(StorageDateText.date(text) == expected, "\(text)")
            #expect(StorageDateText.text(try #require(StorageDateText.date(text))) == text)
        }
        for other in [
            "2026-01-01T00:00:00.000", "2026-01-01 00:00:00", "2026-13-01 00:00:00.000", "2026-02-30 00:00:00.000",
            "2026-01-01 24:00:00.000", "2026-01-01 00:60:00.000", "2026-01-01 00:00:00.00x", "2026-01-01 00:00:00.0000",
            "+026-01-01 00:00:00.000", "",
        ] {
            #expect(StorageDateText.date(other) == nil, "\(other)")
        }
    }

    /// A row's dates read as GRDB reads them, whatever their form, from a live statement's
    /// row and from a copied one.
    @Test func rowsReadTheirDatesAsGRDBDoes() async throws {
        let database = try VPBXDatabase.inMemory()
        let sql = "SELECT '2026-01-02 03:04:05.678', NULL, '2026-01-02T03:04:05Z', '2026-01-02', '2026-01-02 03:04'"
        try await database.writer.read { db in
            let copied = try #require(try Row.fetchOne(db, sql: sql))
            let cursor = try Row.fetchCursor(db, sql: sql)
            let live = try #require(try cursor.next())
            for row in [copied, live] {
                for index in 0..<row.count {
                    let expected: Date? = try row.decode(Date?.self, atIndex: index)
                    #expect(try row.storageDate(atIndex: index) == expected, "column \(index)")
                }
                #expect(try row.storageDate(atIndex: 0) != nil && row.storageDate(atIndex: 1) == nil)
            }
        }
    }
}
