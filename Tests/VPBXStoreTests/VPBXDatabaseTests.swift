import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// Opening, migrating and reopening the on-disk database.
@Suite("VPBXDatabase")
struct VPBXDatabaseTests {
    @Test func freshFileGetsEveryMigrationInOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }

        #expect(
            VPBXDatabase.migrationNames == [
                "v1-extensions", "v1-registrations", "v1-cdr", "v2-schedules", "v3-dialplan", "v4-menus",
                "v5-voicemail", "v6-feature-codes", "v7-queues", "v8-agent-sessions", "v9-extension-call-center",
                "v10-agent-unix-user", "v11-queue-music-class", "v12-extension-qualify",
                "v13-cdr-number-time-indexes", "v14-queue-call-span-index", "v15-registration-routing",
                "v16-call-recordings", "v17-trunks", "v18-extension-outbound", "v19-conference-rooms", "v20-trunk-checks", "v21-extension-forwarding", "v22-trunk-pass-caller-id", "v23-extension-withhold-number", "v24-extension-mobile-confirm", "v25-extension-srtp",
                "v26-cdr-encrypted", "v27-outbound-routes", "v28-conference-leader", "v29-outbound-route-options", "v30-queue-record-calls", "v31-trunk-srtp", "v32-trunk-srv", "v33-conference-record-calls", "v34-outbound-route-override-caller-id", "v35-numbering", "v36-mailbox-email", "v37-voicemail-email-outbox", "v38-extension-do-not-disturb",
            ])
        #expect(try await database.appliedMigrations() == VPBXDatabase.migrationNames)
        #expect(database.path == directory.path + "/vpbx.db")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/vpbx.db"))
    }

    @Test("the database files are the engine user's alone (password digests, trunk passwords)")
    func databaseFilesAreOwnerOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        _ = try await GRDBExtensionRepository(database: database).create(Fixtures.extensionRecord("201"))
        for name in ["vpbx.db", "vpbx.db-wal"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/" + name)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == 0o600, "\(name): \(String(mode, radix: 8))")
        }
    }

    @Test func reopeningKeepsDataAndDoesNotRerunMigrations() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let database = try VPBXDatabase.open(dataDirectory: directory.path)
            _ = try await GRDBExtensionRepository(database: database)
                .create(Fixtures.extensionRecord("201"))
            try database.close()
        }
        // A re-run of v1-extensions would fail on the existing table, so a clean open and
        // the surviving row show that the recorded migrations were skipped.
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        #expect(try await database.appliedMigrations() == VPBXDatabase.migrationNames)
        let recorded = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        #expect(recorded == VPBXDatabase.migrationNames.count)
        #expect(try await GRDBExtensionRepository(database: database).get("201") != nil)
    }

    @Test func fileDatabaseIsInWALModeWithForeignKeysAndBusyTimeout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }

        #expect(try await database.journalMode() == "wal")
        // On the writer: GRDB gives pool readers their own, longer timeout.
        let (foreignKeys, busyTimeout) = try await database.writer.write { db in
            (
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
            )
        }
        #expect(foreignKeys == true)
        #expect(busyTimeout == Int(VPBXDatabase.busyTimeout * 1000))
    }

    @Test func inMemoryDatabaseHasTheSchema() async throws {
        let database = try VPBXDatabase.inMemory()
        #expect(database.path == nil)
        #expect(try await database.appliedMigrations() == VPBXDatabase.migrationNames)
        #expect(try await database.journalMode() == "memory")
    }

    @Test func columnsAreSnakeCase() async throws {
        let database = try VPBXDatabase.inMemory()
        let columns = try await database.writer.read { db in
            try ["extensions", "registrations", "cdr"].map { table in
                try db.columns(in: table).map(\.name)
            }
        }
        #expect(
            columns[0] == [
                "number", "display_name", "ha1_md5", "ha1_sha256", "kind", "mobile_number",
                "enabled", "no_answer_timeout", "language", "static_contact", "created_at",
                "updated_at", "may_monitor", "pickup_group", "qualify_seconds", "record_calls", "outbound_class", "caller_id", "forward_always", "forward_busy", "forward_no_answer", "withhold_number", "mobile_confirm", "srtp", "do_not_disturb",
            ])
        #expect(
            columns[1] == [
                "id", "extension_number", "contact_uri", "expires_at", "call_id", "cseq",
                "transport", "source_host", "source_port", "user_agent", "instance_id",
                "registered_at", "reg_id", "path",
            ])
        #expect(
            columns[2] == [
                "id", "sip_call_id", "caller", "caller_name", "callee", "started_at",
                "answered_at", "ended_at", "duration_seconds", "billable_seconds", "disposition",
                "cause", "hangup_side", "path", "encrypted",
            ])
    }

    @Test func cdrIdsAreStoredAsLowercaseTextAndPathAsJSON() async throws {
        let database = try VPBXDatabase.inMemory()
        let call = Fixtures.call()
        try await GRDBCDRRepository(database: database).begin(call)
        let row = try await database.writer.read { db -> [String?] in
            let row = try Row.fetchOne(db, sql: "SELECT id, path, disposition FROM cdr")
            return [row?["id"], row?["path"], row?["disposition"]]
        }
        #expect(row == [call.id.uuidString.lowercased(), #"["route:outbound"]"#, "in_progress"])
    }

    @Test func corruptFileGivesAnErrorNamingThePath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/vpbx.db"
        let garbage = Data(repeating: 0x5A, count: 8192)
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))

        let error = #expect(throws: StoreError.self) {
            try VPBXDatabase.open(dataDirectory: directory.path)
        }
        #expect(error?.kind == .io)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("not a database") == true)
    }

    @Test func unusableDataDirectoryGivesAnErrorNamingThePath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A regular file where the data directory should be: fails even for root, which
        // ignores permission bits.
        let notADirectory = directory.path + "/data"
        #expect(FileManager.default.createFile(atPath: notADirectory, contents: Data()))

        let error = #expect(throws: StoreError.self) {
            try VPBXDatabase.open(dataDirectory: notADirectory)
        }
        #expect(error?.kind == .io)
        #expect(error?.message.contains(notADirectory + "/vpbx.db") == true)
    }

    @Test func databaseFromANewerVersionIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let database = try VPBXDatabase.open(dataDirectory: directory.path)
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')")
            }
            try database.close()
        }
        let error = #expect(throws: StoreError.self) {
            try VPBXDatabase.open(dataDirectory: directory.path)
        }
        #expect(error?.kind == .io)
        #expect(error?.message.contains("newer vpbx") == true)
        #expect(error?.message.contains(directory.path + "/vpbx.db") == true)
    }

    @Test func closedDatabaseFailsWithAnIOError() async throws {
        let database = try VPBXDatabase.inMemory()
        try database.close()
        let error = await #expect(throws: StoreError.self) {
            try await GRDBExtensionRepository(database: database).list()
        }
        #expect(error?.kind == .io)
        #expect(error?.message == "cannot access the extension list: the database is closed")
        #expect(database.isClosed)
        try database.close()  // closing twice is harmless
    }
}
