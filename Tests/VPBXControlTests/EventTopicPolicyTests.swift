import Testing

@testable import VPBXControl

/// An agent follows its own state only; a wallboard follows statistics only; staff everything.
@Suite struct EventTopicPolicyTests {
    @Test func agentsFollowTheAgentTopicOnly() throws {
        #expect(try EventTopicPolicy.topics(nil, role: .agent) == ["agent"])
        #expect(try EventTopicPolicy.topics([], role: .agent) == ["agent"])
        #expect(try EventTopicPolicy.topics(["agent"], role: .agent) == ["agent"])
        let refused = #expect(throws: RPCError.self) { try EventTopicPolicy.topics(["agent", "call"], role: .agent) }
        #expect(refused?.reason == .forbidden)
        #expect(refused?.message.contains("not call") == true)
        #expect(!EventTopicPolicy.showsSnapshot(to: .agent))
    }

    @Test func wallboardsFollowStatisticsOnly() throws {
        #expect(try EventTopicPolicy.topics(nil, role: .wallboard) == ["queue", "agent", "engine"])
        #expect(try EventTopicPolicy.topics(["queue", "agent"], role: .wallboard) == ["queue", "agent"])
        // The ordinary console asks for everything: it gets what a wallboard may see.
        #expect(
            try EventTopicPolicy.topics(["call", "registration", "extension", "queue", "agent", "engine"], role: .wallboard)
                == ["queue", "agent", "engine"])
        let refused = #expect(throws: RPCError.self) { try EventTopicPolicy.topics(["call"], role: .wallboard) }
        #expect(refused?.reason == .forbidden)
        #expect(!EventTopicPolicy.showsSnapshot(to: .wallboard))
    }

    @Test func staffRolesAreUnchanged() throws {
        for role in [Role.admin, .supervisor, .receptionist] {
            #expect(try EventTopicPolicy.topics(nil, role: role) == nil)
            #expect(try EventTopicPolicy.topics(["call"], role: role) == ["call"])
            #expect(EventTopicPolicy.showsSnapshot(to: role))
        }
    }
}
