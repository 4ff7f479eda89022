import Foundation
import Testing
import VPBXControl
import VPBXStore

@testable import VPBXEngine

/// The `agent` role means "own agent only": the router maps the caller's Unix user to an agent
/// through the store, lets agent-state methods through for that agent and refuses any other;
/// `agent.self` names the caller's agent or says how to get one.
@Suite("Agent identity")
struct AgentIdentityTests {
    /// uid 1000 is anna (agent 2001), uid 1001 is bela (no agent), uid 1002 has no name.
    static let users: [UInt32: String] = [1000: "anna", 1001: "bela"]
    static let anna = PeerCredentials(uid: 1000, gid: 100, pid: 7)
    static let bela = PeerCredentials(uid: 1001, gid: 100, pid: 8)
    static let nameless = PeerCredentials(uid: 1002, gid: 100, pid: 9)

    func makeRouter() async throws -> ControlRouter {
        let agents = InMemoryAgentRepository(store: InMemoryStore())
        try await agents.create(AgentRecord(number: "2001", name: "Anna", unixUser: "anna"))
        try await agents.create(AgentRecord(number: "2002", name: "Béla"))
        let router = ControlRouter()
        var identity = AgentIdentity.callerIdentity(agents)
        identity.userName = { Self.users[$0] }
        router.setCallerIdentity(identity)
        router.register(AgentSelf.self) { _, context in
            let number = try AgentIdentity.ownAgent(context)
            return AgentStatusInfo(number: number, name: "", state: "logged-out", stateSince: Date(), secondsInState: 0)
        }
        router.register(AgentPause.self) { params, _ in
            AgentStatusInfo(
                number: params.number, name: "", state: "paused", reason: params.reason, stateSince: Date(),
                secondsInState: 0)
        }
        router.register(AgentUnpause.self) { params, _ in
            AgentStatusInfo(number: params.number, name: "", state: "available", stateSince: Date(), secondsInState: 0)
        }
        return router
    }

    func call(
        _ router: ControlRouter, _ method: String, _ params: JSONValue? = nil, peer: PeerCredentials, role: Role
    ) async -> Result<AgentStatusInfo, RPCError> {
        let response = await router.handle(RPCRequest(id: 1, method: method, params: params), peer: peer, role: role)
        switch response.outcome {
        case .success(let value):
            do { return .success(try RPCCoding.decode(AgentStatusInfo.self, from: value)) } catch {
                return .failure(.internal("\(error)"))
            }
        case .failure(let error): return .failure(error)
        }
    }

    @Test("an agent pauses and unpauses their own agent, and agent.self names it")
    func ownAgentAllowed() async throws {
        let router = try await makeRouter()
        let paused = try await call(
            router, AgentPause.name, ["number": "2001", "reason": "lunch"], peer: Self.anna, role: .agent
        ).get()
        #expect(paused.number == "2001" && paused.reason == "lunch")
        #expect(
            try await call(router, AgentUnpause.name, ["number": "2001"], peer: Self.anna, role: .agent).get().state
                == "available")
        #expect(try await call(router, AgentSelf.name, peer: Self.anna, role: .agent).get().number == "2001")
        // agent.self works the same for every person role.
        #expect(try await call(router, AgentSelf.name, peer: Self.anna, role: .supervisor).get().number == "2001")
    }

    @Test("an agent acting on another agent is forbidden; a supervisor is not held to their own")
    func otherAgentForbidden() async throws {
        let router = try await makeRouter()
        guard
            case .failure(let error) = await call(
                router, AgentPause.name, ["number": "2002", "reason": "lunch"], peer: Self.anna, role: .agent)
        else {
            Issue.record("pausing another agent succeeded")
            return
        }
        #expect(error.reason == .forbidden)
        #expect(error.message.contains("you are agent 2001"))
        guard
            case .failure(let unpause) = await call(
                router, AgentUnpause.name, ["number": "2002"], peer: Self.anna, role: .agent)
        else {
            Issue.record("unpausing another agent succeeded")
            return
        }
        #expect(unpause.reason == .forbidden)
        // An agent user with no agent of their own may not act on anyone.
        guard
            case .failure(let unmapped) = await call(
                router, AgentPause.name, ["number": "2001", "reason": "lunch"], peer: Self.bela, role: .agent)
        else {
            Issue.record("an unmapped agent paused someone")
            return
        }
        #expect(unmapped.reason == .forbidden)
        #expect(unmapped.message.contains("bela"))
        #expect(
            try await call(
                router, AgentPause.name, ["number": "2002", "reason": "x"], peer: Self.anna, role: .supervisor
            ).get().number == "2002")
        // Wallboards are not people: agent.self is not theirs.
        guard case .failure(let wallboard) = await call(router, AgentSelf.name, peer: Self.anna, role: .wallboard)
        else {
            Issue.record("a wallboard called agent.self")
            return
        }
        #expect(wallboard.reason == .forbidden)
    }

    @Test("agent.self for a user mapped to no agent is not_found and says how to map one")
    func unmappedUserNotFound() async throws {
        let router = try await makeRouter()
        guard case .failure(let error) = await call(router, AgentSelf.name, peer: Self.bela, role: .agent) else {
            Issue.record("an unmapped user got an agent")
            return
        }
        #expect(error.reason == .notFound)
        #expect(error.message.contains("vpbx agent set NUMBER --unix-user bela"))
        guard case .failure(let nameless) = await call(router, AgentSelf.name, peer: Self.nameless, role: .admin) else {
            Issue.record("a nameless uid got an agent")
            return
        }
        #expect(nameless.reason == .notFound)
        #expect(nameless.message.contains("uid 1002"))
    }
}
