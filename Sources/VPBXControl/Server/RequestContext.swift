/// What a handler knows about the call it serves.
public struct RequestContext: Sendable {
    public var peer: PeerCredentials
    /// Always one of the method's `allowedRoles`: the router checked before calling.
    public var role: Role
    public var method: String

    public init(peer: PeerCredentials, role: Role, method: String) {
        self.peer = peer
        self.role = role
        self.method = method
    }
}
