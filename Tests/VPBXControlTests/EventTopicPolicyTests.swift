import Testing

@testable import VPBXControl

/// An agent follows its own state only: the `agent` topic, no snapshot of everyone's calls.
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

    @Test func otherRolesAreUnchanged() throws {
        for role in [Role.admin, .supervisor, .receptionist, .wallboard] {
            #expect(try EventTopicPolicy.topics(nil, role: role) == nil)
            #expect(try EventTopicPolicy.topics(["call"], role: role) == ["call"])
            #expect(EventTopicPolicy.showsSnapshot(to: role))
        }
    }
}
