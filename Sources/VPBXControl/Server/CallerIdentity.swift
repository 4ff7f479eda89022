/// Which agent a caller is: the Unix user behind the socket (from SO_PEERCRED's uid) and the
/// agent the engine maps to that user. The engine installs the agent lookup (it owns the
/// store); the router asks only for methods that need it (`RPCMethod.ownAgentRoles`).
public struct CallerIdentity: Sendable {
    public var userName: @Sendable (UInt32) -> String?
    /// The agent number mapped to a Unix user name, if any.
    public var agent: @Sendable (String) async throws -> String?

    public init(
        userName: @escaping @Sendable (UInt32) -> String? = { SystemUserDirectory().userName(of: $0) },
        agent: @escaping @Sendable (String) async throws -> String?
    ) {
        self.userName = userName
        self.agent = agent
    }

    /// No agent is mapped to anyone: the default until the engine installs its lookup.
    public static let nobody = CallerIdentity(agent: { _ in nil })
}
