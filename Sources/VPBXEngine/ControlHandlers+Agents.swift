import Foundation
import VPBXControl
import VPBXStore

/// `agent.*`: call-center agents. PINs are kept only as salted hashes, like voicemail PINs.
extension ControlHandlers {
    func registerAgentMethods(on router: ControlRouter) {
        router.setCallerIdentity(AgentIdentity.callerIdentity(agents))
        router.register(AgentCreate.self) { params, _ in
            let record = AgentRecord(
                number: params.number, name: params.name, pinHash: try Self.agentPINHash(params.pin),
                unixUser: params.unixUser.flatMap { $0.isEmpty ? nil : $0 })
            try await self.storeCall { try await self.agents.create(record) }
            try await self.reloadQueues()
            await self.publish("agent", "agent.created", ["number": .string(record.number)])
            return QueueConfiguration.info(record, queues: [])
        }
        router.register(AgentUpdate.self) { params, _ in
            var record = try await self.existingAgent(params.number)
            if let name = params.name { record.name = name }
            if let pin = params.pin { record.pinHash = pin.isEmpty ? nil : try Self.agentPINHash(pin) }
            if let user = params.unixUser { record.unixUser = user.isEmpty ? nil : user }
            let updated = record
            try await self.storeCall { try await self.agents.replace(updated) }
            try await self.reloadQueues()
            await self.publish("agent", "agent.updated", ["number": .string(updated.number)])
            return QueueConfiguration.info(
                updated, queues: try await self.storeCall { try await self.agents.queues(of: updated.number) })
        }
        router.register(AgentList.self) { _, _ in
            let members = Dictionary(
                grouping: try await self.storeCall { try await self.queues.allMembers() }, by: \.agent)
            return try await self.storeCall { try await self.agents.list() }.map {
                QueueConfiguration.info($0, queues: (members[$0.number] ?? []).map(\.queue))
            }
        }
        router.register(AgentDelete.self) { params, _ in
            let record = try await self.existingAgent(params.number)
            // The repository refuses (conflict, naming the queues) while the agent is a member.
            _ = try await self.storeCall { try await self.agents.delete(params.number) }
            try await self.reloadQueues()
            await self.publish("agent", "agent.deleted", ["number": .string(params.number)])
            return QueueConfiguration.info(record, queues: [])
        }
    }

    func existingAgent(_ number: String) async throws -> AgentRecord {
        guard let record = try await storeCall({ try await self.agents.get(number) }) else {
            throw RPCError.notFound("agent \(number) does not exist (see vpbx agent list)")
        }
        return record
    }

    /// The stored form of an agent's login PIN (nil for none), in the voicemail PIN format.
    static func agentPINHash(_ pin: String?) throws(RPCError) -> String? {
        guard let pin else { return nil }
        guard VoicemailPIN.problem(pin) == nil else {
            let lengths = VoicemailPIN.lengths
            throw RPCError.invalidArgument(
                "agent PIN must be \(lengths.lowerBound) to \(lengths.upperBound) digits (0-9), e.g. 4711", field: "pin"
            )
        }
        return VoicemailPIN.hash(pin)
    }
}
