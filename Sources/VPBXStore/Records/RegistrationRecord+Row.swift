import Foundation
import GRDB

// The registrar's write, hand-written: every REGISTER the engine accepts is one upsert of its
// binding, and in a registration storm (`bench/register-storm`, 1,000 registrations/s) the
// Codable path (an existence check, a query-interface SELECT compiled per call, then an
// encoded UPDATE or INSERT) took two fifths of the engine's CPU. One cached statement does
// the same: SQLite's upsert on the (extension, contact) unique key. The column text is what
// the Codable mapping writes (GRDB's date text, the transport's raw value), so rows written
// either way read alike (`RegistrationRowFormatTests`).
extension RegistrationRecord {
    /// Inserts the binding, or refreshes the extension's binding of the same contact (keeping
    /// its id and first registration time), and returns it as stored.
    ///
    /// - Throws: ``StoreError/notFound(_:)`` when the extension does not exist.
    func upsertRow(_ db: Database) throws -> RegistrationRecord {
        let statement = try db.cachedStatement(sql: Self.upsertSQL)
        let values: [DatabaseValue] = [
            extensionNumber.databaseValue, contactURI.databaseValue, StorageDateText.databaseValue(expiresAt),
            callID.databaseValue, Int64(cseq).databaseValue, transport.rawValue.databaseValue,
            sourceHost.databaseValue, sourcePort.databaseValue, userAgent.databaseValue, instanceID.databaseValue,
            registrationID.databaseValue, path.databaseValue,
            StorageDateText.databaseValue(registeredAt),
        ]
        // Through the existential initializer, as CDRRecord.arguments explains.
        let arguments: [(any DatabaseValueConvertible)?] = values.map { $0 }
        let row: Row?
        do {
            row = try Row.fetchOne(statement, arguments: StatementArguments(arguments))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError.notFound("extension \(extensionNumber)")
        }
        guard let row else { throw StoreError.notFound("extension \(extensionNumber)") }
        var stored = self
        stored.id = row["id"]
        stored.registeredAt = row["registered_at"]
        return stored
    }

    /// SQLite's upsert (3.24) with RETURNING (3.35); Debian 12, the platform, has 3.40.
    static let upsertSQL = """
        INSERT INTO registrations (extension_number, contact_uri, expires_at, call_id, cseq, transport, \
        source_host, source_port, user_agent, instance_id, reg_id, path, registered_at) \
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
        ON CONFLICT (extension_number, contact_uri) DO UPDATE SET \
        expires_at = excluded.expires_at, call_id = excluded.call_id, cseq = excluded.cseq, \
        transport = excluded.transport, source_host = excluded.source_host, source_port = excluded.source_port, \
        user_agent = excluded.user_agent, instance_id = excluded.instance_id, reg_id = excluded.reg_id, \
        path = excluded.path \
        RETURNING id, registered_at
        """
}
