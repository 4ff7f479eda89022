import Foundation
import Testing
import VPBXStore

/// Logged-in agents kept across restarts, on every backend.
@Suite("AgentSessionRepository contract")
struct AgentSessionRepositoryContractTests {
    @Test("a session is saved, replaced (pause, other extension) and removed; it needs an existing agent", arguments: StoreBackend.allCases)
    func saveReplaceRemove(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.agents.create(AgentRecord(number: "2001", name: "Kovács Éva"))
            try await repos.agents.create(AgentRecord(number: "2002", name: "Nagy Béla"))
            let first = AgentSessionRecord(agent: "2001", extensionNumber: "1002", queues: nil, pausedReason: nil)
            try await repos.agentSessions.save(first)
            let second = AgentSessionRecord(agent: "2002", extensionNumber: "1003", queues: ["support", "sales"], pausedReason: nil)
            try await repos.agentSessions.save(second)
            #expect(try await repos.agentSessions.list() == [first, second])
            #expect(second.queueList == ["sales", "support"])

            let paused = AgentSessionRecord(agent: "2001", extensionNumber: "1005", queues: nil, pausedReason: "ebéd")
            try await repos.agentSessions.save(paused)
            #expect(try await repos.agentSessions.list() == [paused, second])

            let removed = try await repos.agentSessions.remove(agent: "2002")
            #expect(removed)
            let again = try await repos.agentSessions.remove(agent: "2002")
            #expect(!again)
            #expect(try await repos.agentSessions.list() == [paused])

            await #expect(throws: StoreError.self) {
                try await repos.agentSessions.save(
                    AgentSessionRecord(agent: "9999", extensionNumber: "1002", queues: nil, pausedReason: nil))
            }
            // Deleting the agent ends the session.
            _ = try await repos.agents.delete("2001")
            #expect(try await repos.agentSessions.list().isEmpty)
        }
    }
}
