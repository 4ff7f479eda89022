import Foundation

/// ``ExtensionRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryExtensionRepository: ExtensionRepository {
    private let store: InMemoryStore
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for `createdAt`/`updatedAt` (injected for tests).
    public init(store: InMemoryStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    public func create(_ record: ExtensionRecord) async throws -> ExtensionRecord {
        try record.validate()
        var stored = record
        stored.createdAt = now()
        stored.updatedAt = stored.createdAt
        let result = stored
        return try await store.transaction { tables in
            guard tables.extensions[result.number] == nil else {
                throw StoreError.alreadyExists("extension \(result.number)")
            }
            tables.extensions[result.number] = result
            return result
        }
    }

    public func get(_ number: String) async throws -> ExtensionRecord? {
        try await store.transaction { tables in tables.extensions[number] }
    }

    public func list() async throws -> [ExtensionRecord] {
        try await store.transaction { tables in
            tables.extensions.values.sorted { ExtensionRecord.dialPlanOrder($0.number, $1.number) }
        }
    }

    public func update(_ number: String, with patch: ExtensionPatch) async throws
        -> ExtensionRecord
    {
        let time = now()
        return try await store.transaction { tables in
            guard let current = tables.extensions[number] else {
                throw StoreError.notFound("extension \(number)")
            }
            if patch.isEmpty { return current }
            let updated = try patch.applied(to: current, at: time)
            tables.extensions[number] = updated
            return updated
        }
    }

    @discardableResult
    public func delete(_ number: String) async throws -> Bool {
        try await store.transaction { tables in
            guard tables.extensions.removeValue(forKey: number) != nil else { return false }
            // The twin of ON DELETE CASCADE on registrations.extension_number.
            tables.registrations = tables.registrations.filter {
                $0.value.extensionNumber != number
            }
            // And of ON DELETE CASCADE on mailboxes (and from there on their messages).
            _ = tables.deleteMailbox(number)
            return true
        }
    }
}
