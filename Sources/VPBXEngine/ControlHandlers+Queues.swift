import Foundation
import VPBXACD
import VPBXControl
import VPBXStore

/// `queue.*`: call-center queues and their members. Every change is checked by the ACD core's
/// own `QueueSettings.validate()` before it is stored, so the administrator sees the core's
/// message, and then handed to the queue runtime (`reloadQueues`).
extension ControlHandlers {
    func registerQueueMethods(on router: ControlRouter) {
        router.register(QueueCreate.self) { params, _ in
            var record = QueueRecord(name: params.name)
            QueueConfiguration.apply(params, to: &record)
            try self.checkMusicClass(record)
            try QueueConfiguration.validate(record, members: [])
            let created = record
            try await self.storeCall { try await self.queues.create(created) }
            try await self.reloadQueues()
            await self.publish("queue", "queue.created", ["name": .string(created.name)])
            return try await self.queueInfo(created)
        }
        router.register(QueueUpdate.self) { params, _ in
            var record = try await self.existingQueue(params.name)
            QueueConfiguration.apply(params, to: &record)
            try self.checkMusicClass(record)
            let members = try await self.storeCall { try await self.queues.members(of: params.name) }
            try QueueConfiguration.validate(record, members: members)
            let updated = record
            try await self.storeCall { try await self.queues.replace(updated) }
            try await self.reloadQueues()
            await self.publish("queue", "queue.updated", ["name": .string(updated.name)])
            return try await self.queueInfo(updated)
        }
        router.register(QueueList.self) { _, _ in
            let records = try await self.storeCall { try await self.queues.list() }
            let members = Dictionary(
                grouping: try await self.storeCall { try await self.queues.allMembers() }, by: \.queue)
            let agents = try await self.agentsByNumber()
            return records.map { QueueConfiguration.info($0, members: members[$0.name] ?? [], agents: agents) }
        }
        router.register(QueueGet.self) { params, _ in
            try await self.queueInfo(try await self.existingQueue(params.name))
        }
        router.register(QueueDelete.self) { params, _ in
            let record = try await self.existingQueue(params.name)
            let info = try await self.queueInfo(record)
            let users = try await self.users(ofQueue: params.name)
            guard users.isEmpty else {
                throw RPCError.conflict(
                    "queue \(params.name) is used by \(users.joined(separator: ", ")); change those first")
            }
            _ = try await self.storeCall { try await self.queues.delete(params.name) }
            try await self.reloadQueues()
            await self.publish("queue", "queue.deleted", ["name": .string(params.name)])
            return info
        }
        registerQueueMemberMethods(on: router)
    }

    private func registerQueueMemberMethods(on router: ControlRouter) {
        router.register(QueueMemberAdd.self) { params, _ in
            let record = try await self.existingQueue(params.queue)
            _ = try await self.existingAgent(params.agent)
            if let position = params.position, position < 1 {
                throw RPCError.invalidArgument(
                    "position must be 1 (first) or more, got \(position)", field: "position")
            }
            var members = try await self.storeCall { try await self.queues.members(of: params.queue) }
            let existing = members.firstIndex { $0.agent == params.agent }
            let penalty = params.penalty ?? existing.map { members[$0].penalty } ?? 0
            // The queue as it will be, checked by the core before anything is stored.
            var target = params.position.map { $0 - 1 } ?? existing ?? members.count
            if let existing { members.remove(at: existing) }
            target = min(target, members.count)
            members.insert(QueueMemberRecord(queue: params.queue, agent: params.agent, penalty: penalty), at: target)
            for index in members.indices { members[index].position = index }
            try QueueConfiguration.validate(record, members: members)
            let place = target
            _ = try await self.storeCall {
                try await self.queues.setMember(
                    queue: params.queue, agent: params.agent, penalty: penalty, position: place)
            }
            try await self.reloadQueues()
            await self.publish(
                "queue", "queue.memberAdded", ["name": .string(params.queue), "agent": .string(params.agent)])
            return try await self.queueInfo(record)
        }
        router.register(QueueMemberRemove.self) { params, _ in
            let record = try await self.existingQueue(params.queue)
            guard
                try await self.storeCall({
                    try await self.queues.removeMember(queue: params.queue, agent: params.agent)
                })
            else {
                throw RPCError.notFound(
                    "agent \(params.agent) is not a member of queue \(params.queue) (see vpbx queue show \(params.queue))"
                )
            }
            try await self.reloadQueues()
            await self.publish(
                "queue", "queue.memberRemoved", ["name": .string(params.queue), "agent": .string(params.agent)])
            return try await self.queueInfo(record)
        }
    }

    /// What sends calls to `queue:NAME`: routes, time conditions, menus, and other queues'
    /// overflow destinations.
    func users(ofQueue name: String) async throws -> [String] {
        let reference = "queue:\(name)"
        let overflows = try await storeCall { try await self.queues.list() }.filter {
            $0.name != name && $0.overflowDestination == reference
        }
        return try await users(of: reference) + overflows.map { "the overflow of queue \($0.name)" }
    }

    func existingQueue(_ name: String) async throws -> QueueRecord {
        guard let record = try await storeCall({ try await self.queues.get(name) }) else {
            throw RPCError.notFound("queue \(name) does not exist (see vpbx queue list)")
        }
        return record
    }

    func queueInfo(_ record: QueueRecord) async throws -> QueueInfo {
        let members = try await storeCall { try await self.queues.members(of: record.name) }
        return QueueConfiguration.info(record, members: members, agents: try await agentsByNumber())
    }

    func agentsByNumber() async throws -> [String: AgentRecord] {
        Dictionary(
            try await storeCall { try await self.agents.list() }.map { ($0.number, $0) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Every stored queue as the ACD core's settings, and every agent as its profile. A queue
    /// the core cannot read is left out and logged (the store's checks make that a bug).
    func loadQueueConfiguration() async throws -> (queues: [QueueSettings], agents: [AgentProfile], recorded: Set<String>) {
        let records = try await storeCall { try await self.queues.list() }
        let members = Dictionary(grouping: try await storeCall { try await self.queues.allMembers() }, by: \.queue)
        var settings: [QueueSettings] = []
        for record in records {
            do {
                settings.append(try QueueConfiguration.settings(record, members: members[record.name] ?? []))
            } catch {
                logger.warning("queue left out of the configuration: \(error)")
            }
        }
        let agents = try await storeCall { try await self.agents.list() }.map(QueueConfiguration.profile)
        return (settings, agents, Set(records.filter(\.recordCalls).map(\.name)))
    }

    /// A queue may name only a music class that exists (`moh.list`), so a typo is caught at
    /// once instead of callers hearing the default music unnoticed.
    private func checkMusicClass(_ record: QueueRecord) throws(RPCError) {
        guard let name = record.musicClass, !music.hasClass(name) else { return }
        throw RPCError.invalidArgument(
            "there is no music class \(name); create it with 'vpbx moh set FILE --class \(name)' (see 'vpbx moh list')",
            field: "music")
    }
}
