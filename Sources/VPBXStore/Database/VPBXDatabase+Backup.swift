import Foundation
import GRDB

/// Online backup and restore of the database file. A backup is a consistent snapshot taken
/// while the engine goes on writing (WAL: the copy reads one transaction's view and never
/// blocks the writer), written beside its final name and moved there only once complete and
/// checked, so a backup file that exists is a whole one.
extension VPBXDatabase {
    /// What a backup holds, as read back from the copy itself.
    public struct BackupSummary: Sendable, Equatable {
        public let path: String
        public let bytes: Int
        /// The copy's newest migration: the schema an engine restoring it starts from.
        public let schema: String
        /// Rows of the tables an administrator checks first.
        public let extensions: Int
        public let callRecords: Int
        public let voicemailMessages: Int
        public let recordings: Int
    }

    /// Writes a snapshot of the database to `path`, a new file (an existing one is never
    /// overwritten: it may be the last good backup). The copy is a single self-contained file
    /// (rollback journal, not WAL), readable by its owner only, fsync'd, and passed
    /// `PRAGMA integrity_check` before it takes its name. Runs on a thread of its own: a
    /// database of years of call records takes seconds to copy.
    public func backup(to path: String) async throws -> BackupSummary {
        try checkOpen("the database, for a backup")
        let source = writer
        return try await Self.offThread {
            try Self.writeBackup(of: source, to: path)
        }
    }

    /// Puts the backup at `backupPath` in `dataDirectory` as its database, for an engine to
    /// open next (which then applies any newer migrations). Refused when the directory has a
    /// database already (move it away first: it may be what someone needs), when the file is
    /// not a whole vpbx database, or one written by a newer vpbx.
    public static func restore(from backupPath: String, into dataDirectory: String) throws -> BackupSummary {
        let target = URL(fileURLWithPath: dataDirectory).appendingPathComponent(fileName).path
        guard !FileManager.default.fileExists(atPath: target) else {
            throw StoreError(
                .conflict,
                "\(target) exists: move it (and its -wal and -shm files) away first; a restore never overwrites a database")
        }
        guard FileManager.default.fileExists(atPath: backupPath) else {
            throw StoreError(.notFound, "no backup file at \(backupPath)")
        }
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            var readOnly = Configuration()
            readOnly.readonly = true
            let backup = try DatabaseQueue(path: backupPath, configuration: readOnly)
            defer { try? backup.close() }
            try backup.read { db in
                try requireIntact(db, what: "the backup \(backupPath)")
                guard try db.tableExists("grdb_migrations"), try db.tableExists(ExtensionRecord.databaseTableName) else {
                    throw StoreError(.invalidArgument, "\(backupPath) is an SQLite file but no vpbx database")
                }
                guard try !migrator.hasBeenSuperseded(db) else {
                    throw StoreError(
                        .invalidArgument, "\(backupPath) was written by a newer vpbx version: restore it with that version")
                }
            }
            return try writeBackup(of: backup, to: target)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot restore \(backupPath) into \(dataDirectory): \(describe(error))")
        }
    }

    /// Copies `source` to `path` by way of `<path>.partial`, which is removed if anything
    /// fails.
    private static func writeBackup(of source: any DatabaseReader, to path: String) throws -> BackupSummary {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.conflict, "\(path) exists: a backup never overwrites a file; choose a new name")
        }
        let partial = path + ".partial"
        // Created here, not by SQLite: owner-only from its first byte (digests, trunk passwords).
        let descriptor = Foundation.open(partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot create \(partial): \(String(cString: strerror(errno)))")
        }
        _ = Foundation.close(descriptor)
        var finished = false
        defer { if !finished { removeCopy(partial) } }
        do {
            let copy = try DatabaseQueue(path: partial, configuration: Configuration())
            try source.backup(to: copy)
            let summary = try copy.writeWithoutTransaction { db in
                // One file that stands alone: no -wal beside it to lose when it is copied on.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                try requireIntact(db, what: "the copy")
                return try summarize(db, path: path)
            }
            try copy.close()
            try syncFile(partial)
            // link(2) fails if `path` appeared meanwhile: never replaces a file.
            guard link(partial, path) == 0 else {
                throw StoreError(.io, "cannot name the backup \(path): \(String(cString: strerror(errno)))")
            }
            finished = true
            unlink(partial)
            syncDirectory(of: path)
            return BackupSummary(
                path: path, bytes: fileSize(path), schema: summary.schema, extensions: summary.extensions,
                callRecords: summary.callRecords, voicemailMessages: summary.voicemailMessages,
                recordings: summary.recordings)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot write the backup \(path): \(describe(error))")
        }
    }

    private static func requireIntact(_ db: Database, what: String) throws {
        let result = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard result == ["ok"] else {
            throw StoreError(.io, "\(what) fails SQLite's integrity check: \(result.prefix(3).joined(separator: "; "))")
        }
    }

    private static func summarize(_ db: Database, path: String) throws -> BackupSummary {
        let count = { (table: String) in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
        let schema = try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")
        return BackupSummary(
            path: path, bytes: 0, schema: schema ?? "", extensions: try count(ExtensionRecord.databaseTableName),
            callRecords: try count(CDRRecord.databaseTableName),
            voicemailMessages: try count(VoicemailMessageRecord.databaseTableName),
            recordings: try count(RecordingRecord.databaseTableName))
    }

    private static func removeCopy(_ partial: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }
    }

    private static func syncFile(_ path: String) throws {
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError(.io, "cannot open \(path) to sync it") }
        defer { _ = Foundation.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The new name survives a power loss only once its directory is synced.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = Foundation.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Foundation.close(descriptor)
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Runs blocking SQLite work on a dispatch thread, keeping Swift's cooperative pool free.
    private static func offThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
