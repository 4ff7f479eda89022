extension Set where Element == Role {
    /// Call-center operations on agents (log in, pause) and waiting callers.
    public static var callCenter: Set<Role> { [.admin, .supervisor] }
    /// An agent's own state: supervisors for anyone, agents for themselves (`ownAgentRoles`).
    public static var agentState: Set<Role> { [.admin, .supervisor, .agent] }
    /// Live statistics: staff and wallboards.
    public static var statistics: Set<Role> { [.admin, .supervisor, .receptionist, .wallboard] }
}

/// `agent.login`: the agent takes queue calls at an extension.
public enum AgentLogin: RPCMethod {
    public static let name = "agent.login"
    public static let summary = "Log an agent in at an extension, to all their queues or some of them."
    public static let allowedRoles: Set<Role> = .agentState
    public static let ownAgentRoles: Set<Role> = [.agent]
    public typealias Result = AgentStatusInfo

    public struct Params: Codable, Sendable, Hashable, AgentNaming {
        /// The agent number.
        public var number: String
        public var `extension`: String
        /// Only these queues (each must list the agent); absent: all of theirs.
        public var queues: [String]?

        public init(number: String, extension: String, queues: [String]? = nil) {
            self.number = number
            self.extension = `extension`
            self.queues = queues
        }
    }
}

/// `agent.logout`.
public enum AgentLogout: RPCMethod {
    public static let name = "agent.logout"
    public static let summary = "Log an agent out of all queues (a call in progress goes on)."
    public static let allowedRoles: Set<Role> = .agentState
    public static let ownAgentRoles: Set<Role> = [.agent]
    public typealias Params = AgentRef
    public typealias Result = AgentStatusInfo
}

/// `agent.pause`.
public enum AgentPause: RPCMethod {
    public static let name = "agent.pause"
    public static let summary = "Pause an agent with a reason (lunch, training, admin, ...): no queue calls until unpaused."
    public static let allowedRoles: Set<Role> = .agentState
    public static let ownAgentRoles: Set<Role> = [.agent]
    public typealias Result = AgentStatusInfo

    public struct Params: Codable, Sendable, Hashable, AgentNaming {
        /// The agent number.
        public var number: String
        public var reason: String
        public init(number: String, reason: String) {
            self.number = number
            self.reason = reason
        }
    }
}

/// `agent.unpause`.
public enum AgentUnpause: RPCMethod {
    public static let name = "agent.unpause"
    public static let summary = "End an agent's pause: queue calls are offered again."
    public static let allowedRoles: Set<Role> = .agentState
    public static let ownAgentRoles: Set<Role> = [.agent]
    public typealias Params = AgentRef
    public typealias Result = AgentStatusInfo
}

/// `agent.status`: every agent's live state and today's figures.
public enum AgentStatus: RPCMethod {
    public static let name = "agent.status"
    public static let summary = "Every agent's live state (time in state, queues, extension) and today's figures."
    public static let allowedRoles: Set<Role> = .statistics
    public typealias Params = NoParams
    public typealias Result = [AgentStatusInfo]
}

extension AgentLogin.Params {
    public var agentNumber: String { number }
}

extension AgentPause.Params {
    public var agentNumber: String { number }
}

/// `agent.self`: the caller's own agent, found by their Unix user (`vpbx agent set NUMBER
/// --unix-user NAME`). What the console's agent screen shows.
public enum AgentSelf: RPCMethod {
    public static let name = "agent.self"
    public static let summary =
        "Your own agent (the one whose Unix user you are): live state, queues, wrap-up end and current queue call."
    public static let allowedRoles: Set<Role> = .people
    public static let ownAgentRoles: Set<Role> = .people
    public typealias Params = NoParams
    public typealias Result = AgentStatusInfo
}

/// `queue.stats`: live figures of one queue or all.
public enum QueueStats: RPCMethod {
    public static let name = "queue.stats"
    public static let summary =
        "Live queue figures: waiting callers, agent states, and since midnight and in the last 15 minutes: offered, answered, abandoned, service level, ASA, AHT."
    public static let allowedRoles: Set<Role> = .statistics
    public typealias Result = [QueueStatsInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// One queue; absent: all.
        public var queue: String?
        public init(queue: String? = nil) { self.queue = queue }
    }
}

/// `queue.pickup`: a waiting caller is taken out of the queue to an extension.
public enum QueuePickup: RPCMethod {
    public static let name = "queue.pickup"
    public static let summary = "Pick a waiting caller up to an extension (it rings; the caller hears ringback)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor, .receptionist]
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        /// The caller's call id (`queue.stats` lists the waiting ones).
        public var call: String
        public var `extension`: String
        public init(call: String, extension: String) {
            self.call = call
            self.extension = `extension`
        }
    }
}

/// `queue.move`: a waiting caller goes to another queue.
public enum QueueMove: RPCMethod {
    public static let name = "queue.move"
    public static let summary = "Move a waiting caller to another queue (they join it at its end)."
    public static let allowedRoles: Set<Role> = .callCenter
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        public var call: String
        public var queue: String
        public init(call: String, queue: String) {
            self.call = call
            self.queue = queue
        }
    }
}
