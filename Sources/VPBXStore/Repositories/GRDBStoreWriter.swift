import GRDB

/// ``StoreWriter`` on a ``VPBXDatabase``: a whole batch in one write transaction, so a batch
/// of a hundred CDR steps costs one commit (one WAL append and lock round) instead of a hundred.
/// All or nothing: when one write fails the transaction rolls back and the failure says
/// nothing was applied.
public struct GRDBStoreWriter: StoreWriter {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) {
        self.database = database
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        guard !writes.isEmpty else { return }
        // Validation needs no database: fail before opening a transaction.
        for write in writes {
            do {
                try write.validate()
            } catch {
                throw StoreWriteFailure(applied: 0, underlying: StoreError.wrapping(error))
            }
        }
        do {
            try await database.writeUnmapped("a batch of \(writes.count) writes") { db in
                for write in writes {
                    do {
                        try Self.apply(write, db)
                    } catch {
                        throw VPBXDatabase.storeError(error, object: write.objectName)
                    }
                }
            }
        } catch {
            throw StoreWriteFailure(
                applied: 0, underlying: VPBXDatabase.storeError(error, object: "a batch of \(writes.count) writes"))
        }
    }

    private static func apply(_ write: StoreWrite, _ db: Database) throws {
        switch write {
        case .cdrBegin(let record):
            try GRDBCDRRepository.insert(record, db)
        case .cdrAnswered(let id, let time):
            _ = try GRDBCDRRepository.change(id, db) { record in try record.markAnswered(at: time) }
        case .cdrFinish(let id, let answeredAt, let endedAt, let disposition, let cause, let side):
            _ = try GRDBCDRRepository.change(id, db) { record in
                try record.finish(
                    answeredAt: answeredAt, endedAt: endedAt, disposition: disposition, cause: cause,
                    hangupSide: side)
            }
        case .registrationUpsert(let binding):
            _ = try GRDBRegistrationRepository.upsert(binding, db)
        case .registrationRemove(let number, let contact):
            _ = try GRDBRegistrationRepository.remove(extensionNumber: number, contactURI: contact, db)
        }
    }
}
