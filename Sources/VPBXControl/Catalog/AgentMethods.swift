/// Params naming one agent.
public struct AgentRef: Codable, Sendable, Hashable, AgentNaming {
    public var number: String
    public init(number: String) { self.number = number }
    public var agentNumber: String { number }
}

/// `agent.create`.
public enum AgentCreate: RPCMethod {
    public static let name = "agent.create"
    public static let summary =
        "Define a call-center agent: number, name, an optional login PIN and the Unix user who is this agent at a console."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = AgentInfo

    public struct Params: Codable, Sendable, Hashable {
        /// 2 to 15 digits.
        public var number: String
        public var name: String
        /// 4 to 10 digits; stored only as a salted hash.
        public var pin: String?
        /// The Unix user who is this agent at `vpbx-tui`; at most one agent per user.
        public var unixUser: String?

        public init(number: String, name: String, pin: String? = nil, unixUser: String? = nil) {
            self.number = number
            self.name = name
            self.pin = pin
            self.unixUser = unixUser
        }
    }
}

/// `agent.update`: absent fields are kept; `pin` "" removes the PIN, `unixUser` "" the user.
public enum AgentUpdate: RPCMethod {
    public static let name = "agent.update"
    public static let summary = "Change an agent's name, PIN or Unix user; \"\" removes the PIN or the user."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = AgentInfo

    public struct Params: Codable, Sendable, Hashable {
        public var number: String
        public var name: String?
        public var pin: String?
        public var unixUser: String?

        public init(number: String, name: String? = nil, pin: String? = nil, unixUser: String? = nil) {
            self.number = number
            self.name = name
            self.pin = pin
            self.unixUser = unixUser
        }
    }
}

/// `agent.list`.
public enum AgentList: RPCMethod {
    public static let name = "agent.list"
    public static let summary = "All agents, by number, with the queues that list them."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [AgentInfo]
}

/// `agent.delete`: returns the agent as it was.
public enum AgentDelete: RPCMethod {
    public static let name = "agent.delete"
    public static let summary = "Delete an agent who is a member of no queue."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = AgentRef
    public typealias Result = AgentInfo
}
