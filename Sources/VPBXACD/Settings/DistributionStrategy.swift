/// How a queue picks among the agents of the lowest penalty tier that has an available agent.
/// Every strategy first narrows the candidates to that tier (see `AgentSelection`).
public enum DistributionStrategy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Ring every available agent of the tier at once; the first to answer gets the caller.
    case ringAll = "ring-all"
    /// Take turns in member order, continuing after the agent offered the previous call.
    case roundRobin = "round-robin"
    /// The agent who has been available the longest (since login, unpause, wrap-up end).
    case longestIdle = "longest-idle"
    /// The agent who answered the fewest calls from this queue in the statistics period.
    case fewestCalls = "fewest-calls"
    /// The agent whose last call from this queue ended the longest ago (never-called first).
    case leastRecent = "least-recent"
    /// A uniformly random agent, drawn from the injected generator.
    case random
    /// The first available agent in member order.
    case linear
}
