import Foundation
import GRDB

/// ``RegistrationRepository`` on a ``VPBXDatabase``.
public struct GRDBRegistrationRepository: RegistrationRepository {
    private typealias Columns = RegistrationRecord.Columns
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) {
        self.database = database
    }

    @discardableResult
    public func upsert(_ binding: RegistrationRecord) async throws -> RegistrationRecord {
        try binding.validate()
        return try await database.write(binding.objectName) { db in
            try Self.upsert(binding, db)
        }
    }

    @discardableResult
    public func remove(extensionNumber: String, contactURI: String) async throws -> Bool {
        try await database.write("binding \(contactURI) of extension \(extensionNumber)") { db in
            try Self.remove(extensionNumber: extensionNumber, contactURI: contactURI, db)
        }
    }

    @discardableResult
    public func removeAll(extensionNumber: String) async throws -> Int {
        try await database.write("bindings of extension \(extensionNumber)") { db in
            try Self.bindings(extensionNumber: extensionNumber).deleteAll(db)
        }
    }

    public func list(extensionNumber: String?) async throws -> [RegistrationRecord] {
        try await database.read("the registration list") { db in
            var request = RegistrationRecord.all()
            if let extensionNumber {
                request = Self.bindings(extensionNumber: extensionNumber)
            }
            return try request.order(Columns.extensionNumber, Columns.contactURI).fetchAll(db)
        }
    }

    public func purgeExpired(now: Date) async throws -> [RegistrationRecord] {
        try await database.write("expired registrations") { db in
            let expired = RegistrationRecord.filter(Columns.expiresAt <= now)
            let removed = try expired.order(Columns.extensionNumber, Columns.contactURI)
                .fetchAll(db)
            try expired.deleteAll(db)
            return removed
        }
    }

    /// The upsert of ``upsert(_:)`` inside a caller's transaction (the binding is validated).
    static func upsert(_ binding: RegistrationRecord, _ db: Database) throws -> RegistrationRecord {
        try binding.upsertRow(db)
    }

    /// The delete of ``remove(extensionNumber:contactURI:)`` inside a caller's transaction.
    /// One cached statement: every binding that lapses or is unregistered comes here, so
    /// when an office's link drops, its phones' bindings expire together (as the upsert).
    static func remove(extensionNumber: String, contactURI: String, _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(
            sql: "DELETE FROM registrations WHERE extension_number = ? AND contact_uri = ?")
        try statement.execute(arguments: [extensionNumber, contactURI])
        return db.changesCount > 0
    }

    private static func bindings(extensionNumber: String) -> QueryInterfaceRequest<
        RegistrationRecord
    > {
        RegistrationRecord.filter(Columns.extensionNumber == extensionNumber)
    }
}
