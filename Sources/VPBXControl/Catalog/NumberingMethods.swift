/// `numbering.get`.
public enum NumberingGet: RPCMethod {
    public static let name = "numbering.get"
    public static let summary = "How phones dial public numbers: the exchange's area code and outside-line prefix."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = NumberingInfo
}

/// Params of `numbering.set`: nil fields are left as they are, "" clears one.
public struct NumberingParams: Codable, Sendable, Hashable {
    /// `1` (Budapest) or a two-digit geographic area code.
    public var areaCode: String?
    /// 1 to 3 digits dialled before an outside number (`0`, `9`).
    public var outsidePrefix: String?

    public init(areaCode: String? = nil, outsidePrefix: String? = nil) {
        self.areaCode = areaCode
        self.outsidePrefix = outsidePrefix
    }
}

/// `numbering.set`: the next call reads its number with the new settings.
public enum NumberingSet: RPCMethod {
    public static let name = "numbering.set"
    public static let summary =
        "Set the area whose local numbers phones dial without 06 and the area code, and an outside-line prefix."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = NumberingParams
    public typealias Result = NumberingInfo
}
