import Foundation

/// ``RegistrationRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryRegistrationRepository: RegistrationRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) {
        self.store = store
    }

    @discardableResult
    public func upsert(_ binding: RegistrationRecord) async throws -> RegistrationRecord {
        try binding.validate()
        return try await store.transaction { tables in try Self.upsert(binding, &tables) }
    }

    @discardableResult
    public func remove(extensionNumber: String, contactURI: String) async throws -> Bool {
        try await store.transaction { tables in
            Self.remove(extensionNumber: extensionNumber, contactURI: contactURI, &tables)
        }
    }

    @discardableResult
    public func removeAll(extensionNumber: String) async throws -> Int {
        try await store.transaction { tables in
            let before = tables.registrations.count
            tables.registrations = tables.registrations.filter {
                $0.value.extensionNumber != extensionNumber
            }
            return before - tables.registrations.count
        }
    }

    public func list(extensionNumber: String?) async throws -> [RegistrationRecord] {
        try await store.transaction { tables in
            Self.sorted(
                tables.registrations.values.filter {
                    extensionNumber == nil || $0.extensionNumber == extensionNumber
                })
        }
    }

    public func purgeExpired(now: Date) async throws -> [RegistrationRecord] {
        try await store.transaction { tables in
            let expired = tables.registrations.filter { $0.value.expiresAt <= now }
            for id in expired.keys {
                tables.registrations[id] = nil
            }
            return Self.sorted(Array(expired.values))
        }
    }

    /// The upsert of ``upsert(_:)`` inside a caller's transaction (the binding is validated).
    static func upsert(_ binding: RegistrationRecord, _ tables: inout InMemoryStore.Tables) throws
        -> RegistrationRecord
    {
        guard tables.extensions[binding.extensionNumber] != nil else {
            throw StoreError.notFound("extension \(binding.extensionNumber)")
        }
        var stored = binding
        let existing = tables.registrations.first {
            $0.value.extensionNumber == binding.extensionNumber
                && $0.value.contactURI == binding.contactURI
        }
        let id: Int64
        if let existing {
            id = existing.key
            stored.registeredAt = existing.value.registeredAt
        } else {
            id = tables.nextRegistrationID
            tables.nextRegistrationID += 1
        }
        stored.id = id
        tables.registrations[id] = stored
        return stored
    }

    /// The delete of ``remove(extensionNumber:contactURI:)`` inside a caller's transaction.
    static func remove(extensionNumber: String, contactURI: String, _ tables: inout InMemoryStore.Tables)
        -> Bool
    {
        let before = tables.registrations.count
        tables.registrations = tables.registrations.filter {
            !($0.value.extensionNumber == extensionNumber && $0.value.contactURI == contactURI)
        }
        return tables.registrations.count < before
    }

    /// By extension, then contact: the order the SQL repository uses.
    private static func sorted(_ bindings: [RegistrationRecord]) -> [RegistrationRecord] {
        bindings.sorted {
            if $0.extensionNumber != $1.extensionNumber {
                return $0.extensionNumber.precedesInBinaryCollation($1.extensionNumber)
            }
            return $0.contactURI.precedesInBinaryCollation($1.contactURI)
        }
    }
}
