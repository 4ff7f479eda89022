/// `featurecode.list`.
public enum FeatureCodeList: RPCMethod {
    public static let name = "featurecode.list"
    public static let summary = "Every feature code (*97, *98, ...): its name, code, default code and what it does."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [FeatureCodeInfo]
}

/// Params of `featurecode.set`.
public struct FeatureCodeParams: Codable, Sendable, Hashable {
    /// The feature's name, e.g. `voicemail-own`.
    public var name: String
    /// `*` or `#`, then 1 to 6 digits.
    public var code: String

    public init(name: String, code: String) {
        self.name = name
        self.code = code
    }
}

/// `featurecode.set`: the next call dialling the new code reaches the feature; the old code
/// no longer does.
public enum FeatureCodeSet: RPCMethod {
    public static let name = "featurecode.set"
    public static let summary =
        "Change a feature's code: * or # and 1-6 digits, unused by other features, extensions and routes."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = FeatureCodeParams
    public typealias Result = FeatureCodeInfo
}

/// Params naming one feature.
public struct FeatureCodeRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `featurecode.reset`.
public enum FeatureCodeReset: RPCMethod {
    public static let name = "featurecode.reset"
    public static let summary = "Give a feature its default code again."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = FeatureCodeRef
    public typealias Result = FeatureCodeInfo
}
