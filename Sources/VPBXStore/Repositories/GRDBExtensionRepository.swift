import Foundation
import GRDB

/// ``ExtensionRepository`` on a ``VPBXDatabase``.
public struct GRDBExtensionRepository: ExtensionRepository {
    private let database: VPBXDatabase
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for `createdAt`/`updatedAt` (injected for tests).
    public init(database: VPBXDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func create(_ record: ExtensionRecord) async throws -> ExtensionRecord {
        try record.validate()
        var stored = record
        stored.createdAt = now()
        stored.updatedAt = stored.createdAt
        let result = stored
        // A primary-key violation becomes `conflict` naming the extension.
        return try await database.write("extension \(record.number)") { db in
            try result.insert(db)
            return result
        }
    }

    public func get(_ number: String) async throws -> ExtensionRecord? {
        try await database.read("extension \(number)") { db in
            try ExtensionRecord.fetchOne(db, key: number)
        }
    }

    public func list() async throws -> [ExtensionRecord] {
        try await database.read("the extension list") { db in
            // Dial-plan order (99, 100, 1000), not text order (100, 1000, 99).
            let number = ExtensionRecord.Columns.number
            return try ExtensionRecord.order(length(number), number).fetchAll(db)
        }
    }

    public func update(_ number: String, with patch: ExtensionPatch) async throws
        -> ExtensionRecord
    {
        let time = now()
        return try await database.write("extension \(number)") { db in
            guard let current = try ExtensionRecord.fetchOne(db, key: number) else {
                throw StoreError.notFound("extension \(number)")
            }
            if patch.isEmpty { return current }
            let updated = try patch.applied(to: current, at: time)
            try updated.update(db)
            return updated
        }
    }

    @discardableResult
    public func delete(_ number: String) async throws -> Bool {
        // Registrations go with it through ON DELETE CASCADE.
        try await database.write("extension \(number)") { db in
            try ExtensionRecord.deleteOne(db, key: number)
        }
    }
}
