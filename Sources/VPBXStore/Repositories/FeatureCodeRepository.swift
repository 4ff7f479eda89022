import GRDB

/// Stores the feature codes an administrator changed; a feature without a row has its
/// default code. Errors are ``StoreError``s.
public protocol FeatureCodeRepository: Sendable {
    /// The changed codes, by feature name.
    func overrides() async throws -> [FeatureCodeRecord]
    /// Sets (inserts or replaces) a feature's code; `conflict` if another feature's row has
    /// that code, `invalidArgument` if the name or code is malformed.
    func set(_ override: FeatureCodeRecord) async throws
    /// Removes a feature's row, so its default applies again; false if it had none.
    @discardableResult
    func reset(_ name: String) async throws -> Bool
}

extension StoreError {
    static func featureCodeTaken(_ code: String, by name: String) -> StoreError {
        StoreError(.conflict, "feature code \(code) is already the code of \(name)")
    }
}

/// ``FeatureCodeRepository`` on a ``VPBXDatabase``.
public struct GRDBFeatureCodeRepository: FeatureCodeRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func overrides() async throws -> [FeatureCodeRecord] {
        try await database.read("the feature code list") { db in
            try FeatureCodeRecord.order(Column("name")).fetchAll(db)
        }
    }

    public func set(_ override: FeatureCodeRecord) async throws {
        try override.validate()
        try await database.write("feature \(override.name)") { db in
            if let other = try FeatureCodeRecord.filter(
                Column("code") == override.code && Column("name") != override.name
            )
            .fetchOne(db) {
                throw StoreError.featureCodeTaken(override.code, by: other.name)
            }
            try override.save(db)
        }
    }

    @discardableResult
    public func reset(_ name: String) async throws -> Bool {
        try await database.write("feature \(name)") { db in try FeatureCodeRecord.deleteOne(db, key: name) }
    }
}
