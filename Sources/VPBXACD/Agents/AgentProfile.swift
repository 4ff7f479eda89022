/// A person who takes queue calls. Queue membership and penalties live on the queues
/// (`QueueSettings.members`), so one list per queue is the single source of truth.
public struct AgentProfile: Sendable, Equatable, Hashable, Codable {
    /// The agent number, the key everywhere (`agent.login 2001`).
    public var number: String
    /// Display name for the console and reports.
    public var name: String

    public init(number: String, name: String) {
        self.number = number
        self.name = name
    }
}
