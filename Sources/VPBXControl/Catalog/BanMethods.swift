import Foundation

/// A source banned for repeated authentication failures.
public struct BanInfo: Codable, Sendable, Hashable {
    /// The source IP address.
    public var source: String
    /// Failed authentications counted when the ban began.
    public var failures: Int
    public var bannedAt: Date
    public var until: Date

    public init(source: String, failures: Int, bannedAt: Date, until: Date) {
        self.source = source
        self.failures = failures
        self.bannedAt = bannedAt
        self.until = until
    }
}

/// `ban.list`.
public enum BanList: RPCMethod {
    public static let name = "ban.list"
    public static let summary =
        "Sources banned for repeated authentication failures: their new requests are dropped until the ban ends."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [BanInfo]
}

/// Params naming one banned source.
public struct BanRef: Codable, Sendable, Hashable {
    public var source: String
    public init(source: String) { self.source = source }
}

/// `ban.delete`.
public enum BanDelete: RPCMethod {
    public static let name = "ban.delete"
    public static let summary = "Lift a source's ban at once (and forget its failures)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = BanRef
    public typealias Result = Acknowledged
}
