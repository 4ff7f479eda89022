/// An agent's membership of a queue. The penalty is the skill level for this queue: lower is
/// preferred, and a higher tier is only offered calls when no lower-tier agent is available.
/// The order of members in `QueueSettings.members` is the order `linear` and `roundRobin` use.
public struct QueueMember: Sendable, Equatable, Hashable, Codable {
    /// The agent number.
    public var agent: String
    /// 0 is the best tier; must not be negative.
    public var penalty: Int

    public init(agent: String, penalty: Int = 0) {
        self.agent = agent
        self.penalty = penalty
    }
}
