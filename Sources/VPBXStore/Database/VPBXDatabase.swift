import Foundation
import GRDB
import Synchronization

/// The vpbx database: owns the one GRDB writer and brings the schema up to date on open.
///
/// On disk it is a `DatabasePool` on `<dataDir>/vpbx.db` in WAL mode, so readers (reports,
/// searches) never block the engine's writes; tests use the in-memory variant. Share one
/// instance between all repositories of a process: SQLite allows only one writer anyway,
/// and a single writer serialises writes without "database is locked" surprises.
public final class VPBXDatabase: Sendable {
    /// Name of the database file inside the data directory.
    public static let fileName = "vpbx.db"

    /// How long a write waits for a lock held by another connection (e.g. a `sqlite3`
    /// backup run by the administrator) before failing.
    public static let busyTimeout: TimeInterval = 5

    /// The single writer; repositories in this module read and write through it.
    let writer: any DatabaseWriter

    /// Path of the database file, or nil for an in-memory database.
    public let path: String?

    /// Set by ``close()``. GRDB treats use of a closed connection as a programming error
    /// (it traps), so every access checks this first and throws instead.
    private let closed = Atomic<Bool>(false)

    /// True once ``close()`` has been called.
    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    private init(writer: any DatabaseWriter, path: String?) {
        self.writer = writer
        self.path = path
    }

    /// Opens (creating if needed) `<dataDirectory>/vpbx.db` in WAL mode and applies any
    /// pending migrations. `migrating` hears the names of the migrations about to run on an
    /// existing database, before they run: on years of call records an index can take a
    /// while to build, and the operator should know why the engine is not up yet.
    ///
    /// - Throws: ``StoreError`` of kind `io`, naming the path, when the directory cannot be
    ///   created or the file is unreadable, not a database, or written by a newer vpbx.
    public static func open(
        dataDirectory: String, migrating: (_ pending: [String]) -> Void = { _ in }
    ) throws -> VPBXDatabase {
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(fileName).path
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .io,
                "cannot create the data directory \(dataDirectory) for \(path): "
                    + "\(error.localizedDescription)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: makeConfiguration())
            try prepare(pool, migrating: migrating)
            restrictToOwner(path)
            return VPBXDatabase(writer: pool, path: path)
        } catch let error as StoreError {
            throw StoreError(error.kind, "cannot open the database at \(path): \(error.message)")
        } catch {
            throw StoreError(
                .io,
                "cannot open the database at \(path): \(describe(error)) "
                    + "(check that it is a vpbx database and that the engine may write to it "
                    + "and to its directory)")
        }
    }

    /// The database holds password digests and trunk passwords: readable by the engine's
    /// user alone, whatever the umask made it. SQLite gives the WAL and shared-memory files
    /// it creates later the database file's mode.
    private static func restrictToOwner(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
    }

    /// Creates a private in-memory database with the full schema, for tests and tools.
    public static func inMemory() throws -> VPBXDatabase {
        do {
            let queue = try DatabaseQueue(configuration: makeConfiguration())
            try prepare(queue)
            return VPBXDatabase(writer: queue, path: nil)
        } catch {
            throw StoreError(.io, "cannot create an in-memory database: \(Self.describe(error))")
        }
    }

    /// Closes the database; later use of it or of its repositories fails with an `io`
    /// error. Call it at shutdown, once the repositories' users have stopped: an access
    /// already under way while closing is not waited for.
    public func close() throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        do {
            if let pool = writer as? DatabasePool {
                try pool.close()
            } else if let queue = writer as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            throw StoreError(
                .io, "cannot close the database at \(path ?? ":memory:"): \(Self.describe(error))")
        }
    }

    /// The SQLite journal mode in effect (`wal` for a file database).
    public func journalMode() async throws -> String {
        try await read("the journal mode") { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
    }

    private static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "vpbx"
        // Cascades (registrations of a deleted extension) rely on this; GRDB enables it
        // by default, we state it because the schema depends on it.
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL still survives a crash of the engine (only a power loss can
            // lose the last commits); FULL would fsync on every CDR write.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    private static func prepare(
        _ writer: any DatabaseWriter, migrating: (_ pending: [String]) -> Void = { _ in }
    ) throws {
        let migrator = Self.migrator
        // Refuse a database written by a newer vpbx: its schema may have columns or
        // meanings we do not know, and writing to it could corrupt its data.
        let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw StoreError(
                .io,
                "the database was written by a newer vpbx version (unknown migrations); "
                    + "upgrade vpbx-engine or restore a backup")
        }
        let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        // A new file gets every migration at once on empty tables: nothing worth telling.
        if !applied.isEmpty && !pending.isEmpty { migrating(pending) }
        try migrator.migrate(writer)
    }
}
