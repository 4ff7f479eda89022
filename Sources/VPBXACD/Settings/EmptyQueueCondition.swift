/// When a queue counts as "empty" for its join and leave rules. Agents ringing, talking or in
/// wrap-up are not missing: they will be free soon, so they keep the queue non-empty.
public enum EmptyQueueCondition: String, Sendable, Equatable, Codable, CaseIterable {
    /// The rule is off: the queue is never considered empty.
    case never
    /// No agent is logged in to the queue.
    case noAgentsLoggedIn = "no-agents-logged-in"
    /// No logged-in agent is free of pause: every one is paused (or nobody is logged in).
    case noAgentsUnpaused = "no-agents-unpaused"
}
