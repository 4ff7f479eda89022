import GRDB

/// An administrator's code for a feature (`voicemail-own` → `*55`). Only changed codes are
/// stored: a feature without a row has its default, so a later release may change a
/// default and installations that never touched it follow.
public struct FeatureCodeRecord: Codable, Sendable, Equatable, Identifiable {
    /// The feature's name (`voicemail-own`); which names exist is the PBX's catalog.
    public var name: String
    /// `*` or `#`, then 1-6 digits.
    public var code: String

    public var id: String { name }

    public init(name: String, code: String) {
        self.name = name
        self.code = code
    }

    public func validate() throws {
        try Validation.objectName(name, field: "feature name")
        try Validation.featureCode(code, field: "code of feature \(name)")
    }

    /// Checks a code alone, with the same rule and message as ``validate()``.
    public static func validate(code: String, field: String = "feature code") throws {
        try Validation.featureCode(code, field: field)
    }
}

extension FeatureCodeRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "feature_codes"
}
