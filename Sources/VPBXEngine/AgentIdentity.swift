import VPBXControl
import VPBXStore

/// Which agent a console user is: the agent whose stored Unix user is the caller's. The
/// router asks through `CallerIdentity`; `agent.self` turns "nobody" into a clear error.
enum AgentIdentity {
    static func callerIdentity(_ agents: any AgentRepository) -> CallerIdentity {
        CallerIdentity(agent: { name in try await agents.agent(unixUser: name)?.number })
    }

    /// The caller's agent number, or `not_found` saying how to map one.
    static func ownAgent(_ context: RequestContext) throws(RPCError) -> String {
        if let agent = context.ownAgent { return agent }
        guard let user = context.userName else {
            throw .notFound(
                "your uid \(context.peer.uid) has no Unix user name, so no agent can be mapped to you")
        }
        throw .notFound(
            "no agent is mapped to your Unix user \(user); an administrator maps one with: vpbx agent set NUMBER --unix-user \(user)"
        )
    }
}
