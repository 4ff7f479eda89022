import GRDB

/// Stores call-center agents. Errors are ``StoreError``s.
public protocol AgentRepository: Sendable {
    /// All agents, by number (shorter numbers first, like extensions).
    func list() async throws -> [AgentRecord]
    func get(_ number: String) async throws -> AgentRecord?
    /// `conflict` if the number exists.
    func create(_ agent: AgentRecord) async throws
    /// Replaces name and PIN hash. `notFound` if it does not exist.
    func replace(_ agent: AgentRecord) async throws
    /// Deletes an agent; returns whether it existed. Throws `conflict`, naming the queues,
    /// while the agent is a member of any queue.
    @discardableResult
    func delete(_ number: String) async throws -> Bool
    /// The names of the queues that list `agent` as a member, by name.
    func queues(of agent: String) async throws -> [String]
    /// The agent whose console user is the Unix user `name`, if any.
    func agent(unixUser name: String) async throws -> AgentRecord?
}

extension StoreError {
    /// An agent still listed by queues cannot be deleted.
    static func agentInQueues(_ agent: String, _ queues: [String]) -> StoreError {
        StoreError(
            .conflict,
            "agent \(agent) is a member of queue(s) \(queues.joined(separator: ", ")); "
                + "remove them first (vpbx queue member remove QUEUE \(agent))")
    }

    /// A Unix user is at most one agent.
    static func unixUserTaken(_ user: String, by agent: String) -> StoreError {
        StoreError(
            .conflict,
            "Unix user \(user) is already agent \(agent); clear it there first (vpbx agent set \(agent) --unix-user \"\")")
    }
}

/// ``AgentRepository`` on a ``VPBXDatabase``.
public struct GRDBAgentRepository: AgentRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func list() async throws -> [AgentRecord] {
        try await database.read("the agent list") { db in
            let number = AgentRecord.Columns.number
            return try AgentRecord.order(length(number), number).fetchAll(db)
        }
    }

    public func get(_ number: String) async throws -> AgentRecord? {
        try await database.read("agent \(number)") { db in try AgentRecord.fetchOne(db, key: number) }
    }

    public func create(_ agent: AgentRecord) async throws {
        try agent.validate()
        try await database.write("agent \(agent.number)") { db in
            try Self.checkUnixUserFree(db, agent)
            try agent.insert(db)
        }
    }

    public func replace(_ agent: AgentRecord) async throws {
        try agent.validate()
        try await database.write("agent \(agent.number)") { db in
            guard try AgentRecord.exists(db, key: agent.number) else {
                throw StoreError.notFound("agent \(agent.number)")
            }
            try Self.checkUnixUserFree(db, agent)
            try agent.update(db)
        }
    }

    @discardableResult
    public func delete(_ number: String) async throws -> Bool {
        try await database.write("agent \(number)") { db in
            let queues = try Self.queues(db, number)
            guard queues.isEmpty else { throw StoreError.agentInQueues(number, queues) }
            return try AgentRecord.deleteOne(db, key: number)
        }
    }

    public func queues(of agent: String) async throws -> [String] {
        try await database.read("the queues of agent \(agent)") { db in try Self.queues(db, agent) }
    }

    public func agent(unixUser name: String) async throws -> AgentRecord? {
        try await database.read("the agent of Unix user \(name)") { db in
            try AgentRecord.filter(AgentRecord.Columns.unixUser == name).fetchOne(db)
        }
    }

    /// Says which agent holds the user, rather than the bare unique-index failure.
    private static func checkUnixUserFree(_ db: Database, _ agent: AgentRecord) throws {
        guard let user = agent.unixUser,
            let holder = try AgentRecord.filter(AgentRecord.Columns.unixUser == user).fetchOne(db),
            holder.number != agent.number
        else { return }
        throw StoreError.unixUserTaken(user, by: holder.number)
    }

    private static func queues(_ db: Database, _ agent: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT queue FROM queue_members WHERE agent = ? ORDER BY queue", arguments: [agent])
    }
}

/// ``AgentRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryAgentRepository: AgentRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func list() async throws -> [AgentRecord] {
        try await store.transaction { tables in
            tables.agents.values.sorted { ExtensionRecord.dialPlanOrder($0.number, $1.number) }
        }
    }

    public func get(_ number: String) async throws -> AgentRecord? {
        try await store.transaction { tables in tables.agents[number] }
    }

    public func create(_ agent: AgentRecord) async throws {
        try agent.validate()
        try await store.transaction { tables in
            guard tables.agents[agent.number] == nil else { throw StoreError.alreadyExists("agent \(agent.number)") }
            try tables.checkUnixUserFree(agent)
            tables.agents[agent.number] = agent
        }
    }

    public func replace(_ agent: AgentRecord) async throws {
        try agent.validate()
        try await store.transaction { tables in
            guard tables.agents[agent.number] != nil else { throw StoreError.notFound("agent \(agent.number)") }
            try tables.checkUnixUserFree(agent)
            tables.agents[agent.number] = agent
        }
    }

    @discardableResult
    public func delete(_ number: String) async throws -> Bool {
        try await store.transaction { tables in
            let queues = tables.queues(of: number)
            guard queues.isEmpty else { throw StoreError.agentInQueues(number, queues) }
            tables.agentSessions[number] = nil  // the cascade the database does
            return tables.agents.removeValue(forKey: number) != nil
        }
    }

    public func queues(of agent: String) async throws -> [String] {
        try await store.transaction { tables in tables.queues(of: agent) }
    }

    public func agent(unixUser name: String) async throws -> AgentRecord? {
        try await store.transaction { tables in tables.agents.values.first { $0.unixUser == name } }
    }
}

extension InMemoryStore.Tables {
    /// The unique index on `unix_user` the database has.
    func checkUnixUserFree(_ agent: AgentRecord) throws {
        guard let user = agent.unixUser,
            let holder = agents.values.first(where: { $0.unixUser == user && $0.number != agent.number })
        else { return }
        throw StoreError.unixUserTaken(user, by: holder.number)
    }

    /// Names of the queues listing `agent`, in binary order.
    func queues(of agent: String) -> [String] {
        queueMembers.filter { $0.value.contains { $0.agent == agent } }.keys.sorted {
            $0.precedesInBinaryCollation($1)
        }
    }
}
