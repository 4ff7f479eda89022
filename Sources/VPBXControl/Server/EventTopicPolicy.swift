/// Which event topics a role may follow. An agent may see its own state and calls only, and
/// call, extension and registration events (and the snapshot of every call and registration)
/// would show everyone's: an agent follows the `agent` topic alone and gets an empty snapshot.
/// `agent.changed` names only the agent number; the figures behind it need `agent.self`.
enum EventTopicPolicy {
    static let agentTopic = "agent"

    /// The topics to subscribe `role` to for the `requested` ones (nil or empty: all).
    static func topics(_ requested: [String]?, role: Role?) throws(RPCError) -> [String]? {
        guard role == .agent else { return requested }
        guard let requested, !requested.isEmpty else { return [agentTopic] }
        let refused = requested.filter { $0 != agentTopic }
        guard refused.isEmpty else {
            throw .forbidden(
                "as an agent you may follow the \(agentTopic) topic only, not \(refused.joined(separator: ", "))")
        }
        return requested
    }

    /// Whether `role` gets the engine's snapshot (every call and registration).
    static func showsSnapshot(to role: Role?) -> Bool { role != .agent }
}
