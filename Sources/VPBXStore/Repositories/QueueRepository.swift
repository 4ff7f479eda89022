import GRDB

/// Stores call-center queues and their ordered members. Errors are ``StoreError``s.
public protocol QueueRepository: Sendable {
    /// All queues, by name.
    func list() async throws -> [QueueRecord]
    func get(_ name: String) async throws -> QueueRecord?
    /// `conflict` if the name exists.
    func create(_ queue: QueueRecord) async throws
    /// Replaces the settings (members stay). `notFound` if it does not exist.
    func replace(_ queue: QueueRecord) async throws
    /// Deletes a queue and its memberships; returns whether it existed.
    @discardableResult
    func delete(_ name: String) async throws -> Bool
    /// The members of `queue` in order (empty for an unknown queue).
    func members(of queue: String) async throws -> [QueueMemberRecord]
    /// Every membership, by queue name, then position.
    func allMembers() async throws -> [QueueMemberRecord]
    /// Makes `agent` a member of `queue` with `penalty` at `position` (0-based, clamped to
    /// the end; nil: at the end), or, for a member already, changes the penalty and (when
    /// `position` is given) moves them. Returns the queue's members in order. Throws
    /// `notFound` when the queue or the agent does not exist.
    @discardableResult
    func setMember(queue: String, agent: String, penalty: Int, position: Int?) async throws -> [QueueMemberRecord]
    /// Removes `agent` from `queue` (later members move up); returns whether it was a member.
    @discardableResult
    func removeMember(queue: String, agent: String) async throws -> Bool
}

/// ``QueueRepository`` on a ``VPBXDatabase``.
public struct GRDBQueueRepository: QueueRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func list() async throws -> [QueueRecord] {
        try await database.read("the queue list") { db in try QueueRecord.order(Column("name")).fetchAll(db) }
    }

    public func get(_ name: String) async throws -> QueueRecord? {
        try await database.read("queue \(name)") { db in try QueueRecord.fetchOne(db, key: name) }
    }

    public func create(_ queue: QueueRecord) async throws {
        try queue.validate()
        try await database.write("queue \(queue.name)") { db in try queue.insert(db) }
    }

    public func replace(_ queue: QueueRecord) async throws {
        try queue.validate()
        try await database.write("queue \(queue.name)") { db in
            guard try QueueRecord.exists(db, key: queue.name) else { throw StoreError.notFound("queue \(queue.name)") }
            try queue.update(db)
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await database.write("queue \(name)") { db in try QueueRecord.deleteOne(db, key: name) }
    }

    public func members(of queue: String) async throws -> [QueueMemberRecord] {
        try await database.read("the members of queue \(queue)") { db in try Self.members(db, queue) }
    }

    public func allMembers() async throws -> [QueueMemberRecord] {
        try await database.read("the queue members") { db in
            try QueueMemberRecord.order(QueueMemberRecord.Columns.queue, QueueMemberRecord.Columns.position).fetchAll(
                db)
        }
    }

    @discardableResult
    public func setMember(queue: String, agent: String, penalty: Int, position: Int?) async throws
        -> [QueueMemberRecord]
    {
        try QueueMemberRecord(queue: queue, agent: agent, penalty: penalty).validate()
        return try await database.write("member \(agent) of queue \(queue)") { db in
            guard try QueueRecord.exists(db, key: queue) else { throw StoreError.notFound("queue \(queue)") }
            guard try AgentRecord.exists(db, key: agent) else { throw StoreError.notFound("agent \(agent)") }
            var order = try Self.members(db, queue)
            let existing = order.firstIndex { $0.agent == agent }
            var target = position ?? existing ?? order.count
            if let existing { order.remove(at: existing) }
            target = min(max(target, 0), order.count)
            order.insert(QueueMemberRecord(queue: queue, agent: agent, penalty: penalty), at: target)
            try Self.store(db, queue, order)
            return try Self.members(db, queue)
        }
    }

    @discardableResult
    public func removeMember(queue: String, agent: String) async throws -> Bool {
        try await database.write("member \(agent) of queue \(queue)") { db in
            var order = try Self.members(db, queue)
            guard let index = order.firstIndex(where: { $0.agent == agent }) else { return false }
            order.remove(at: index)
            try Self.store(db, queue, order)
            return true
        }
    }

    private static func members(_ db: Database, _ queue: String) throws -> [QueueMemberRecord] {
        try QueueMemberRecord.filter(QueueMemberRecord.Columns.queue == queue)
            .order(QueueMemberRecord.Columns.position).fetchAll(db)
    }

    /// Rewrites the queue's memberships with dense positions in `order`.
    private static func store(_ db: Database, _ queue: String, _ order: [QueueMemberRecord]) throws {
        try QueueMemberRecord.filter(QueueMemberRecord.Columns.queue == queue).deleteAll(db)
        for (index, member) in order.enumerated() {
            var placed = member
            placed.position = index
            try placed.insert(db)
        }
    }
}

/// ``QueueRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryQueueRepository: QueueRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func list() async throws -> [QueueRecord] {
        try await store.transaction { tables in
            tables.queues.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func get(_ name: String) async throws -> QueueRecord? {
        try await store.transaction { tables in tables.queues[name] }
    }

    public func create(_ queue: QueueRecord) async throws {
        try queue.validate()
        try await store.transaction { tables in
            guard tables.queues[queue.name] == nil else { throw StoreError.alreadyExists("queue \(queue.name)") }
            tables.queues[queue.name] = queue
        }
    }

    public func replace(_ queue: QueueRecord) async throws {
        try queue.validate()
        try await store.transaction { tables in
            guard tables.queues[queue.name] != nil else { throw StoreError.notFound("queue \(queue.name)") }
            tables.queues[queue.name] = queue
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await store.transaction { tables in
            // The twin of ON DELETE CASCADE on queue_members.queue.
            tables.queueMembers[name] = nil
            return tables.queues.removeValue(forKey: name) != nil
        }
    }

    public func members(of queue: String) async throws -> [QueueMemberRecord] {
        try await store.transaction { tables in tables.queueMembers[queue] ?? [] }
    }

    public func allMembers() async throws -> [QueueMemberRecord] {
        try await store.transaction { tables in
            tables.queueMembers.keys.sorted { $0.precedesInBinaryCollation($1) }.flatMap {
                tables.queueMembers[$0] ?? []
            }
        }
    }

    @discardableResult
    public func setMember(queue: String, agent: String, penalty: Int, position: Int?) async throws
        -> [QueueMemberRecord]
    {
        try QueueMemberRecord(queue: queue, agent: agent, penalty: penalty).validate()
        return try await store.transaction { tables in
            guard tables.queues[queue] != nil else { throw StoreError.notFound("queue \(queue)") }
            guard tables.agents[agent] != nil else { throw StoreError.notFound("agent \(agent)") }
            var order = tables.queueMembers[queue] ?? []
            let existing = order.firstIndex { $0.agent == agent }
            var target = position ?? existing ?? order.count
            if let existing { order.remove(at: existing) }
            target = min(max(target, 0), order.count)
            order.insert(QueueMemberRecord(queue: queue, agent: agent, penalty: penalty), at: target)
            tables.setMembers(of: queue, order)
            return tables.queueMembers[queue] ?? []
        }
    }

    @discardableResult
    public func removeMember(queue: String, agent: String) async throws -> Bool {
        try await store.transaction { tables in
            var order = tables.queueMembers[queue] ?? []
            guard let index = order.firstIndex(where: { $0.agent == agent }) else { return false }
            order.remove(at: index)
            tables.setMembers(of: queue, order)
            return true
        }
    }
}

extension InMemoryStore.Tables {
    /// Stores `order` as the queue's members with dense positions.
    mutating func setMembers(of queue: String, _ order: [QueueMemberRecord]) {
        queueMembers[queue] =
            order.isEmpty
            ? nil
            : order.enumerated().map { index, member in
                var placed = member
                placed.position = index
                return placed
            }
    }
}
