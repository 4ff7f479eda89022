/// Params of `ivr.create` and `ivr.update`; on update absent fields are kept.
public struct MenuParams: Codable, Sendable, Hashable {
    public var name: String
    /// Required on create.
    public var greeting: String?
    /// Key → destination. On create: the options; on update: added or replaced keys.
    public var options: [String: String]?
    /// Update only: keys to remove.
    public var removeOptions: [String]?
    public var timeout: Int?
    public var attempts: Int?
    public var directDial: Bool?
    public var onTimeout: String?
    public var onInvalid: String?

    public init(
        name: String, greeting: String? = nil, options: [String: String]? = nil, removeOptions: [String]? = nil,
        timeout: Int? = nil, attempts: Int? = nil, directDial: Bool? = nil, onTimeout: String? = nil,
        onInvalid: String? = nil
    ) {
        self.name = name
        self.greeting = greeting
        self.options = options
        self.removeOptions = removeOptions
        self.timeout = timeout
        self.attempts = attempts
        self.directDial = directDial
        self.onTimeout = onTimeout
        self.onInvalid = onInvalid
    }
}

/// Params naming one menu.
public struct MenuRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `ivr.create`.
public enum MenuCreate: RPCMethod {
    public static let name = "ivr.create"
    public static let summary = "Create an IVR menu: greeting prompt, key options, timeout, attempts, direct dial."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = MenuParams
    public typealias Result = MenuInfo
}

/// `ivr.update`.
public enum MenuUpdate: RPCMethod {
    public static let name = "ivr.update"
    public static let summary =
        "Change an IVR menu; options are added or replaced key by key, removeOptions drops keys."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = MenuParams
    public typealias Result = MenuInfo
}

/// `ivr.list`.
public enum MenuList: RPCMethod {
    public static let name = "ivr.list"
    public static let summary = "All IVR menus."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [MenuInfo]
}

/// `ivr.get`.
public enum MenuGet: RPCMethod {
    public static let name = "ivr.get"
    public static let summary = "One IVR menu."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = MenuRef
    public typealias Result = MenuInfo
}

/// `ivr.delete`.
public enum MenuDelete: RPCMethod {
    public static let name = "ivr.delete"
    public static let summary = "Delete an IVR menu nothing routes to."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = MenuRef
    public typealias Result = MenuInfo
}
