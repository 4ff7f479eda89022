/// What a handler knows about the call it serves.
public struct RequestContext: Sendable {
    public var peer: PeerCredentials
    /// Always one of the method's `allowedRoles`: the router checked before calling.
    public var role: Role
    public var method: String
    /// The caller's Unix user name; set by the router for methods with `ownAgentRoles`
    /// covering the caller's role (nil otherwise, or when the uid has no name).
    public var userName: String?
    /// The agent mapped to `userName`; set like `userName`, nil when none is mapped.
    public var ownAgent: String?

    public init(peer: PeerCredentials, role: Role, method: String, userName: String? = nil, ownAgent: String? = nil) {
        self.peer = peer
        self.role = role
        self.method = method
        self.userName = userName
        self.ownAgent = ownAgent
    }
}
