/// Which event topics a role may follow.
///
/// - An agent may see its own state and calls only, and call, extension and registration
///   events (and the snapshot of every call and registration) would show everyone's: an agent
///   follows the `agent` topic alone and gets an empty snapshot. `agent.changed` names only
///   the agent number; the figures behind it need `agent.self`.
/// - A wallboard shows statistics (DESIGN.md: read-only statistics) and may not list calls
///   (`call.list` is staff only), so its events are the `queue` and `agent` topics, whose
///   figures it reads with `queue.stats` and `agent.status`, and the `engine` topic (whether
///   the exchange is refusing calls for overload, a figure too); its snapshot is empty.
///   Topics it asks for beyond those are left out rather than refused, so a wallboard-role
///   user's ordinary console (which asks for everything and then shows the wallboard) works.
enum EventTopicPolicy {
    static let agentTopic = "agent"
    static let queueTopic = "queue"

    /// The topics to subscribe `role` to for the `requested` ones (nil or empty: all).
    static func topics(_ requested: [String]?, role: Role?) throws(RPCError) -> [String]? {
        switch role {
        case .agent:
            guard let requested, !requested.isEmpty else { return [agentTopic] }
            let refused = requested.filter { $0 != agentTopic }
            guard refused.isEmpty else {
                throw .forbidden(
                    "as an agent you may follow the \(agentTopic) topic only, not \(refused.joined(separator: ", "))")
            }
            return requested
        case .wallboard:
            let allowed = [queueTopic, agentTopic, EventTopic.engine]
            guard let requested, !requested.isEmpty else { return allowed }
            let kept = requested.filter(allowed.contains)
            guard !kept.isEmpty else {
                throw .forbidden(
                    "a wallboard may follow the \(queueTopic), \(agentTopic) and \(EventTopic.engine) topics only, not \(requested.joined(separator: ", "))")
            }
            return kept
        default:
            return requested
        }
    }

    /// Whether `role` gets the engine's snapshot (every call and registration).
    static func showsSnapshot(to role: Role?) -> Bool { role != .agent && role != .wallboard }
}
