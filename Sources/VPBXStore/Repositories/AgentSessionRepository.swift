import GRDB

/// The logged-in agents' sessions (``AgentSessionRecord``). Errors are ``StoreError``s.
public protocol AgentSessionRepository: Sendable {
    func list() async throws -> [AgentSessionRecord]
    /// Inserts or replaces the agent's session.
    func save(_ session: AgentSessionRecord) async throws
    /// The agent logged out; false if there was no session.
    @discardableResult
    func remove(agent: String) async throws -> Bool
}

/// ``AgentSessionRepository`` on a ``VPBXDatabase``.
public struct GRDBAgentSessionRepository: AgentSessionRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func list() async throws -> [AgentSessionRecord] {
        try await database.read("the agent sessions") { db in
            try AgentSessionRecord.order(Column("agent")).fetchAll(db)
        }
    }

    public func save(_ session: AgentSessionRecord) async throws {
        try await database.write("agent \(session.agent)'s session") { db in
            guard try AgentRecord.exists(db, key: session.agent) else { throw StoreError.notFound("agent \(session.agent)") }
            try session.save(db)
        }
    }

    @discardableResult
    public func remove(agent: String) async throws -> Bool {
        try await database.write("agent \(agent)'s session") { db in try AgentSessionRecord.deleteOne(db, key: agent) }
    }
}

/// ``AgentSessionRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryAgentSessionRepository: AgentSessionRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func list() async throws -> [AgentSessionRecord] {
        try await store.transaction { tables in
            tables.agentSessions.values.sorted { $0.agent.precedesInBinaryCollation($1.agent) }
        }
    }

    public func save(_ session: AgentSessionRecord) async throws {
        try await store.transaction { tables in
            guard tables.agents[session.agent] != nil else { throw StoreError.notFound("agent \(session.agent)") }
            tables.agentSessions[session.agent] = session
        }
    }

    @discardableResult
    public func remove(agent: String) async throws -> Bool {
        try await store.transaction { tables in tables.agentSessions.removeValue(forKey: agent) != nil }
    }
}
