/// A feature phones reach by dialling a code, as `featurecode.*` report it.
public struct FeatureCodeInfo: Codable, Sendable, Hashable {
    /// `voicemail-own`, `voicemail-any`.
    public var name: String
    /// What dials it now.
    public var code: String
    /// What dials it when no code is set (`featurecode.reset`).
    public var defaultCode: String
    /// Whether `code` was changed by an administrator (it differs from `defaultCode`).
    public var custom: Bool
    /// What dialling it does.
    public var summary: String

    public init(name: String, code: String, defaultCode: String, custom: Bool, summary: String) {
        self.name = name
        self.code = code
        self.defaultCode = defaultCode
        self.custom = custom
        self.summary = summary
    }
}
