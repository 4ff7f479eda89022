import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// Online backups while the engine writes, and restoring one into an empty data directory.
@Suite("Database backup and restore")
struct DatabaseBackupTests {
    private func mode(of path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("a backup taken while CDRs are written is a whole, owner-only, stand-alone copy that restores")
    func backupWhileWritingRestores() async throws {
        let live = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        defer {
            live.remove()
            elsewhere.remove()
        }
        let database = try VPBXDatabase.open(dataDirectory: live.path)
        defer { try? database.close() }
        let extensions = GRDBExtensionRepository(database: database)
        for number in ["201", "202", "203"] { _ = try await extensions.create(Fixtures.extensionRecord(number)) }
        let writer = GRDBStoreWriter(database: database)
        try await writer.apply((0..<500).map { _ in .cdrBegin(Fixtures.call()) })
        // The engine goes on writing call records while the copy is taken.
        let writing = Task {
            for _ in 0..<40 { try await writer.apply((0..<50).map { _ in .cdrBegin(Fixtures.call()) }) }
        }
        let path = elsewhere.path + "/vpbx-backup.db"
        let summary = try await database.backup(to: path)
        try await writing.value

        #expect(summary.path == path && summary.extensions == 3, "\(summary)")
        #expect(summary.callRecords >= 500 && summary.callRecords <= 2_500, "\(summary)")
        #expect(summary.schema == VPBXDatabase.migrationNames.last, "\(summary)")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(summary.bytes > 0 && summary.bytes == size)
        #expect(try mode(of: path) == 0o600)
        let left = try FileManager.default.contentsOfDirectory(atPath: elsewhere.path)
        #expect(left == ["vpbx-backup.db"], "no -wal, -journal or .partial beside it: \(left)")
        let copy = try DatabaseQueue(path: path)
        #expect(try await copy.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        // Every CDR in the copy is a whole row, and the count is the summary's.
        #expect(try await copy.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM cdr") } == summary.callRecords)
        try copy.close()

        let restored = try TemporaryDirectory()
        defer { restored.remove() }
        let again = try VPBXDatabase.restore(from: path, into: restored.path + "/data")
        #expect(again.callRecords == summary.callRecords && again.extensions == 3)
        let reopened = try VPBXDatabase.open(dataDirectory: restored.path + "/data")
        defer { try? reopened.close() }
        #expect(try await GRDBExtensionRepository(database: reopened).get("202") != nil)
        #expect(try await reopened.journalMode() == "wal", "the engine turns WAL on again when it opens the restored file")
        #expect(try mode(of: restored.path + "/data/vpbx.db") == 0o600)
    }

    @Test("a backup never overwrites a file, and a failed one leaves nothing behind")
    func backupRefusalsLeaveNothing() async throws {
        let live = try TemporaryDirectory()
        defer { live.remove() }
        let database = try VPBXDatabase.open(dataDirectory: live.path)
        defer { try? database.close() }
        let existing = live.path + "/last-good.db"
        try Data("the last good backup".utf8).write(to: URL(fileURLWithPath: existing))
        let overwrite = await #expect(throws: StoreError.self) { try await database.backup(to: existing) }
        #expect(overwrite?.kind == .conflict, "\(String(describing: overwrite))")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "the last good backup")

        let nowhere = live.path + "/no/such/dir/backup.db"
        let missing = await #expect(throws: StoreError.self) { try await database.backup(to: nowhere) }
        #expect(missing?.kind == .io && missing?.message.contains("no/such/dir") == true, "\(String(describing: missing))")
        #expect(!FileManager.default.fileExists(atPath: nowhere + ".partial"))

        try database.close()
        let closed = await #expect(throws: StoreError.self) { try await database.backup(to: live.path + "/late.db") }
        #expect(closed?.kind == .io)
        #expect(!FileManager.default.fileExists(atPath: live.path + "/late.db"))
    }

    @Test("a restore refuses a directory that has a database, a missing file, garbage and a foreign SQLite file")
    func restoreRefusals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path + "/live")
        let backup = directory.path + "/backup.db"
        _ = try await database.backup(to: backup)
        try database.close()

        let occupied = #expect(throws: StoreError.self) {
            try VPBXDatabase.restore(from: backup, into: directory.path + "/live")
        }
        #expect(occupied?.kind == .conflict && occupied?.message.contains("move it") == true)
        let missing = #expect(throws: StoreError.self) {
            try VPBXDatabase.restore(from: directory.path + "/nothing.db", into: directory.path + "/a")
        }
        #expect(missing?.kind == .notFound)

        let garbage = directory.path + "/garbage.db"
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let notSQLite = #expect(throws: StoreError.self) {
            try VPBXDatabase.restore(from: garbage, into: directory.path + "/b")
        }
        #expect(notSQLite != nil)
        let foreign = directory.path + "/foreign.db"
        try await DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let notVPBX = #expect(throws: StoreError.self) {
            try VPBXDatabase.restore(from: foreign, into: directory.path + "/c")
        }
        #expect(notVPBX?.kind == .invalidArgument && notVPBX?.message.contains("no vpbx database") == true)
        for refused in ["b", "c"] {
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/\(refused)/vpbx.db"), "\(refused)")
        }
    }
}
