import Foundation
import GRDB
import Synchronization

/// ``StoreWriter`` on a ``VPBXDatabase``: a whole batch in one write transaction, so a batch
/// of a hundred CDR steps costs one commit (one WAL append and lock round) instead of a hundred.
/// All or nothing: when one write fails the transaction rolls back and the failure says
/// nothing was applied.
///
/// Within a batch each CDR row is read at most once and written once: the steps of one call
/// (begin, answer, finish) are applied to the row in memory, with the same checks as the
/// repository applies, and the result is inserted or updated at the end. Under load, when a
/// short call's steps share a batch, that is one INSERT instead of an INSERT and two
/// read-modify-writes (three for an encrypted call). The end state is the one the writes
/// applied one by one would leave.
///
/// Rows still in progress after a batch are also kept in memory (``openRows``), so the later
/// batch that answers or finishes the call starts from them instead of reading the row back:
/// at a few thousand calls a second a call's begin and finish usually land in different
/// batches, and the read (a SELECT and the row's decoding) was a fifth of the writer's time.
/// That is only right while every change to an in-progress CDR row goes through this writer,
/// as it does in the engine (the repositories' own `begin`/`finish` are for the engine's
/// tests and tools, and the crash recovery runs before the first call).
public final class GRDBStoreWriter: StoreWriter {
    private let database: VPBXDatabase
    private let openRows = OpenCDRRows()

    public init(database: VPBXDatabase) {
        self.database = database
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        guard !writes.isEmpty else { return }
        do {
            // Validation needs no database: fail before opening a transaction.
            for write in writes { try write.validate() }
            let openRows = self.openRows
            let touched = try await database.writeUnmapped("a batch of \(writes.count) writes") { db in
                var rows = TouchedRows(open: openRows)
                for write in writes {
                    do {
                        try Self.apply(write, db, &rows)
                    } catch {
                        throw VPBXDatabase.storeError(error, object: write.objectName)
                    }
                }
                try rows.save(db)
                return rows.records
            }
            openRows.remember(touched)
        } catch {
            let failure = VPBXDatabase.storeError(error, object: "a batch of \(writes.count) writes")
            throw StoreWriteFailure(applied: 0, underlying: failure)
        }
    }

    /// How many rows are kept in memory now (for tests).
    var openRowCount: Int { openRows.count }

    private static func apply(_ write: StoreWrite, _ db: Database, _ rows: inout TouchedRows) throws {
        switch write {
        case .cdrBegin(let record):
            try rows.begin(record)
        case .cdrAnswered(let id, let time):
            try rows.change(id, db) { record in try record.markAnswered(at: time) }
        case .cdrFinish(let id, let answeredAt, let endedAt, let disposition, let cause, let side):
            try rows.change(id, db) { record in
                try record.finish(
                    answeredAt: answeredAt, endedAt: endedAt, disposition: disposition, cause: cause,
                    hangupSide: side)
            }
        case .cdrPath(let id, let path):
            try rows.change(id, db, changingPath: true) { record in try record.replacePath(path) }
        case .cdrEncrypted(let id):
            try rows.change(id, db) { record in try record.markEncrypted() }
        case .registrationUpsert(let binding):
            _ = try GRDBRegistrationRepository.upsert(binding, db)
        case .registrationRemove(let number, let contact):
            _ = try GRDBRegistrationRepository.remove(extensionNumber: number, contactURI: contact, db)
        }
    }
}

/// The CDR rows a batch has begun or changed, in first-touch order, written back at its end.
private struct TouchedRows {
    private var rows: [UUID: (record: CDRRecord, isNew: Bool, pathChanged: Bool)] = [:]
    private var order: [UUID] = []
    /// Rows committed earlier and still in progress, to start from instead of reading them.
    private let open: OpenCDRRows

    init(open: OpenCDRRows) {
        self.open = open
    }

    /// Every row touched, as the batch leaves it.
    var records: [CDRRecord] { order.compactMap { rows[$0]?.record } }

    mutating func begin(_ record: CDRRecord) throws {
        // A row begun earlier in this batch is a conflict, as a second insert would be; a row
        // from an earlier batch makes the INSERT in `save` fail the same way.
        guard rows[record.id] == nil else { throw StoreError.alreadyExists(record.objectName) }
        rows[record.id] = (record, true, false)
        order.append(record.id)
    }

    mutating func change(
        _ id: UUID, _ db: Database, changingPath: Bool = false, _ body: (inout CDRRecord) throws -> Void
    ) throws {
        if var row = rows[id] {
            try body(&row.record)
            row.pathChanged = row.pathChanged || changingPath
            rows[id] = row
            return
        }
        guard var record = try open[id] ?? Self.read(id, db) else {
            throw StoreError.notFound("call \(CDRRecord.key(id))")
        }
        try body(&record)
        rows[id] = (record, false, changingPath)
        order.append(id)
    }

    private static func read(_ id: UUID, _ db: Database) throws -> CDRRecord? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM cdr WHERE id = ?")
        return try CDRRecord.fetchOne(statement, arguments: [CDRRecord.key(id)])
    }

    func save(_ db: Database) throws {
        for id in order {
            guard let row = rows[id] else { continue }
            do {
                if row.isNew {
                    try row.record.insertRow(db)
                } else {
                    try row.record.updateLifecycle(db, includingPath: row.pathChanged)
                }
            } catch {
                throw VPBXDatabase.storeError(error, object: row.record.objectName)
            }
        }
    }
}

/// In-progress CDR rows as a ``GRDBStoreWriter`` last committed them, by id. Filled only after
/// a commit, so a rolled-back batch leaves nothing behind.
private final class OpenCDRRows: Sendable {
    private let rows = Mutex<[UUID: CDRRecord]>([:])
    /// Beyond this many open rows the rest are read back from the database as before (a
    /// ceiling for memory, far above the calls a machine carries at once).
    static let limit = 100_000

    subscript(id: UUID) -> CDRRecord? { rows.withLock { $0[id] } }

    var count: Int { rows.withLock { $0.count } }

    /// Keeps the committed rows still in progress and forgets the finished ones.
    func remember(_ records: [CDRRecord]) {
        guard !records.isEmpty else { return }
        rows.withLock { open in
            for record in records {
                if record.disposition == .inProgress, open.count < Self.limit || open[record.id] != nil {
                    open[record.id] = record
                } else {
                    open[record.id] = nil
                }
            }
        }
    }
}
