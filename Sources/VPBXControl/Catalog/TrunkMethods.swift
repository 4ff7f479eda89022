/// `trunk.create`.
public enum TrunkCreate: RPCMethod {
    public static let name = "trunk.create"
    public static let summary = "Add a SIP trunk: a provider or gateway calls reach the public network through."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TrunkParams
    public typealias Result = TrunkInfo
}

/// `trunk.list`.
public enum TrunkList: RPCMethod {
    public static let name = "trunk.list"
    public static let summary = "All trunks, in the order outgoing calls try them."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [TrunkInfo]
}

/// Params naming one trunk.
public struct TrunkRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `trunk.get`.
public enum TrunkGet: RPCMethod {
    public static let name = "trunk.get"
    public static let summary = "One trunk's settings."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = TrunkRef
    public typealias Result = TrunkInfo
}

/// `trunk.update`.
public enum TrunkUpdate: RPCMethod {
    public static let name = "trunk.update"
    public static let summary = "Change a trunk's settings; absent fields are kept, \"\" clears an optional one."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TrunkParams
    public typealias Result = TrunkInfo
}

/// `trunk.delete`.
public enum TrunkDelete: RPCMethod {
    public static let name = "trunk.delete"
    public static let summary = "Remove a trunk (calls in progress through it go on)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = TrunkRef
    public typealias Result = TrunkInfo
}
