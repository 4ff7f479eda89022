import VPBXControl

/// Everything the console loads after (re)connecting: the event `seq` the subscription
/// started at, then the engine's lists.
public struct ConsoleSnapshot: Sendable, Hashable {
    public var seq: UInt64
    public var status: EngineStatus.Result
    public var extensions: [ExtensionInfo]
    public var registrations: [Registration]
    public var calls: [CallInfo]
    /// `call.parked`: the calls waiting on park slots (empty from engines without parking).
    public var parked: [ParkedCallInfo]
    /// The caller's role as `engine.hello` told it; nil from engines that do not say.
    public var role: Role?
    /// `queue.stats` of every queue; nil when the engine has no call center (an older
    /// engine answering `method_not_found`) or the role may not read it.
    public var queues: [QueueStatsInfo]?
    /// `agent.status`; nil like `queues`.
    public var agents: [AgentStatusInfo]?
    /// `agent.self`, loaded for the agent role; nil otherwise or when it failed.
    public var ownAgent: AgentStatusInfo?
    /// Why `agent.self` failed (the engine's message), for the agent screen.
    public var ownAgentProblem: String?

    public init(
        seq: UInt64, status: EngineStatus.Result, extensions: [ExtensionInfo], registrations: [Registration],
        calls: [CallInfo], role: Role? = nil, queues: [QueueStatsInfo]? = nil, agents: [AgentStatusInfo]? = nil,
        ownAgent: AgentStatusInfo? = nil, ownAgentProblem: String? = nil, parked: [ParkedCallInfo] = []
    ) {
        self.parked = parked
        self.seq = seq
        self.status = status
        self.extensions = extensions
        self.registrations = registrations
        self.calls = calls
        self.role = role
        self.queues = queues
        self.agents = agents
        self.ownAgent = ownAgent
        self.ownAgentProblem = ownAgentProblem
    }
}
