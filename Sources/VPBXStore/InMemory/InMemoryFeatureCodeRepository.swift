/// ``FeatureCodeRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryFeatureCodeRepository: FeatureCodeRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func overrides() async throws -> [FeatureCodeRecord] {
        try await store.transaction { tables in
            tables.featureCodes.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func set(_ override: FeatureCodeRecord) async throws {
        try override.validate()
        try await store.transaction { tables in
            if let other = tables.featureCodes.values.first(where: {
                $0.code == override.code && $0.name != override.name
            }) {
                throw StoreError.featureCodeTaken(override.code, by: other.name)
            }
            tables.featureCodes[override.name] = override
        }
    }

    @discardableResult
    public func reset(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.featureCodes.removeValue(forKey: name) != nil }
    }
}
