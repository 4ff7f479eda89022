import Foundation
import Testing
import VPBXStore

/// The queue, agent and queue-call contracts, run against every backend.
@Suite("QueueRepository contract")
struct QueueRepositoryContractTests {
    static func everyField() -> QueueRecord {
        QueueRecord(
            name: "Sales.EU-1", strategy: "round-robin", ringTimeoutSeconds: 15, retryDelaySeconds: 3,
            maxWaitSeconds: 300, overflowDestination: "vm:1001", maxLength: 12, rejectJoinWhen: "no-agents-logged-in",
            leaveWhen: "no-agents-unpaused", serviceLevelSeconds: 30, shortAbandonSeconds: 4, wrapUpSeconds: 10,
            announcementIntervalSeconds: 60, exitDigit: "#", pauseOnNoAnswer: true, recordCalls: true)
    }

    @Test(
        "a queue with every field set round-trips; create twice conflicts; replace of a missing one is not found",
        arguments: StoreBackend.allCases)
    func roundTrip(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let queue = Self.everyField()
            try await repos.queues.create(queue)
            try await repos.queues.create(QueueRecord(name: "support"))
            let stored = try await repos.queues.get("Sales.EU-1")
            #expect(stored == queue)
            let plain = try await repos.queues.get("support")
            #expect(plain == QueueRecord(name: "support"))
            #expect(plain?.maxWaitSeconds == nil && plain?.exitDigit == nil && plain?.overflowDestination == nil)

            var changed = queue
            changed.maxWaitSeconds = nil
            changed.exitDigit = nil
            changed.strategy = "linear"
            try await repos.queues.replace(changed)
            let list = try await repos.queues.list()
            #expect(list == [changed, QueueRecord(name: "support")])

            let twice = await #expect(throws: StoreError.self) { try await repos.queues.create(queue) }
            #expect(twice?.kind == .conflict)
            let deleted = try await repos.queues.delete("support")
            #expect(deleted)
            let again = try await repos.queues.delete("support")
            #expect(!again)
            let gone = await #expect(throws: StoreError.self) {
                try await repos.queues.replace(QueueRecord(name: "support"))
            }
            #expect(gone?.kind == .notFound)
        }
    }

    @Test("the backstop refuses unknown enums, negative durations and bad names", arguments: StoreBackend.allCases)
    func backstop(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let bad: [QueueRecord] = [
                QueueRecord(name: ""), QueueRecord(name: "two words"), QueueRecord(name: "q", strategy: "fastest"),
                QueueRecord(name: "q", rejectJoinWhen: "always"), QueueRecord(name: "q", leaveWhen: "sometimes"),
                QueueRecord(name: "q", ringTimeoutSeconds: -1), QueueRecord(name: "q", maxWaitSeconds: -5),
                QueueRecord(name: "q", exitDigit: "12"), QueueRecord(name: "q", overflowDestination: "a\u{7}b"),
            ]
            for queue in bad {
                let error = await #expect(throws: StoreError.self) { try await repos.queues.create(queue) }
                #expect(error?.kind == .invalidArgument, "\(queue)")
            }
            let stored = try await repos.queues.list()
            #expect(stored.isEmpty)
        }
    }

    @Test("members keep their order; positions insert, move and close up", arguments: StoreBackend.allCases)
    func memberOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.queues.create(QueueRecord(name: "sales"))
            for number in ["2001", "2002", "2003", "2004"] {
                try await repos.agents.create(AgentRecord(number: number, name: "Agent \(number)"))
            }
            try await repos.queues.setMember(queue: "sales", agent: "2001", penalty: 0, position: nil)
            try await repos.queues.setMember(queue: "sales", agent: "2002", penalty: 1, position: nil)
            // Position 0 puts 2003 first; a position past the end is clamped to the end.
            try await repos.queues.setMember(queue: "sales", agent: "2003", penalty: 2, position: 0)
            let afterAdds = try await repos.queues.setMember(queue: "sales", agent: "2004", penalty: 0, position: 99)
            #expect(afterAdds.map(\.agent) == ["2003", "2001", "2002", "2004"])
            #expect(afterAdds.map(\.position) == [0, 1, 2, 3])
            #expect(afterAdds.map(\.penalty) == [2, 0, 1, 0])

            // A member again: the penalty changes, the place stays unless a position is given.
            let repenalised = try await repos.queues.setMember(queue: "sales", agent: "2001", penalty: 5, position: nil)
            #expect(repenalised.map(\.agent) == ["2003", "2001", "2002", "2004"])
            #expect(repenalised[1].penalty == 5)
            let moved = try await repos.queues.setMember(queue: "sales", agent: "2003", penalty: 2, position: 2)
            #expect(moved.map(\.agent) == ["2001", "2002", "2003", "2004"])

            let removed = try await repos.queues.removeMember(queue: "sales", agent: "2002")
            #expect(removed)
            let notAMember = try await repos.queues.removeMember(queue: "sales", agent: "2002")
            #expect(!notAMember)
            let members = try await repos.queues.members(of: "sales")
            #expect(members.map(\.agent) == ["2001", "2003", "2004"])
            #expect(members.map(\.position) == [0, 1, 2])
            #expect(members.allSatisfy { $0.queue == "sales" })
        }
    }

    @Test("members need an existing queue and agent", arguments: StoreBackend.allCases)
    func memberReferences(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.queues.create(QueueRecord(name: "sales"))
            try await repos.agents.create(AgentRecord(number: "2001", name: "Anna"))
            let noAgent = await #expect(throws: StoreError.self) {
                try await repos.queues.setMember(queue: "sales", agent: "2999", penalty: 0, position: nil)
            }
            #expect(noAgent?.kind == .notFound)
            let noQueue = await #expect(throws: StoreError.self) {
                try await repos.queues.setMember(queue: "nowhere", agent: "2001", penalty: 0, position: nil)
            }
            #expect(noQueue?.kind == .notFound)
            let negative = await #expect(throws: StoreError.self) {
                try await repos.queues.setMember(queue: "sales", agent: "2001", penalty: -1, position: nil)
            }
            #expect(negative?.kind == .invalidArgument)
            let members = try await repos.queues.allMembers()
            #expect(members.isEmpty)
        }
    }

    @Test("deleting a queue deletes its memberships and frees its agents", arguments: StoreBackend.allCases)
    func cascade(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.queues.create(QueueRecord(name: "sales"))
            try await repos.queues.create(QueueRecord(name: "support"))
            try await repos.agents.create(AgentRecord(number: "2001", name: "Anna"))
            try await repos.queues.setMember(queue: "sales", agent: "2001", penalty: 0, position: nil)
            try await repos.queues.setMember(queue: "support", agent: "2001", penalty: 1, position: nil)
            let all = try await repos.queues.allMembers()
            #expect(all.map(\.queue) == ["sales", "support"])

            try await repos.queues.delete("sales")
            let left = try await repos.queues.allMembers()
            #expect(left.map(\.queue) == ["support"])
            let salesMembers = try await repos.queues.members(of: "sales")
            #expect(salesMembers.isEmpty)
            // Recreating the queue does not bring the old members back.
            try await repos.queues.create(QueueRecord(name: "sales"))
            let fresh = try await repos.queues.members(of: "sales")
            #expect(fresh.isEmpty)
            let queuesOfAgent = try await repos.agents.queues(of: "2001")
            #expect(queuesOfAgent == ["support"])
        }
    }

    @Test("an agent who is a member cannot be deleted; the error names the queues", arguments: StoreBackend.allCases)
    func agentDeleteConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.queues.create(QueueRecord(name: "sales"))
            try await repos.queues.create(QueueRecord(name: "billing"))
            try await repos.agents.create(AgentRecord(number: "2001", name: "Anna"))
            try await repos.queues.setMember(queue: "sales", agent: "2001", penalty: 0, position: nil)
            try await repos.queues.setMember(queue: "billing", agent: "2001", penalty: 0, position: nil)
            let error = await #expect(throws: StoreError.self) { try await repos.agents.delete("2001") }
            #expect(error?.kind == .conflict)
            #expect(error?.message.contains("billing, sales") == true, "\(String(describing: error))")
            let kept = try await repos.agents.get("2001")
            #expect(kept != nil)

            try await repos.queues.removeMember(queue: "sales", agent: "2001")
            try await repos.queues.removeMember(queue: "billing", agent: "2001")
            let deleted = try await repos.agents.delete("2001")
            #expect(deleted)
            let gone = try await repos.agents.get("2001")
            #expect(gone == nil)
        }
    }

    @Test("agents round-trip with and without a PIN hash, ordered like extensions", arguments: StoreBackend.allCases)
    func agents(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let anna = AgentRecord(number: "2001", name: "Kovács Anna", pinHash: "sha256-iter$10000$00$11")
            try await repos.agents.create(anna)
            try await repos.agents.create(AgentRecord(number: "300", name: "Béla"))
            let twice = await #expect(throws: StoreError.self) { try await repos.agents.create(anna) }
            #expect(twice?.kind == .conflict)
            var renamed = anna
            renamed.name = "Nagy Anna"
            renamed.pinHash = nil
            try await repos.agents.replace(renamed)
            let list = try await repos.agents.list()
            #expect(list == [AgentRecord(number: "300", name: "Béla"), renamed])
            let missing = await #expect(throws: StoreError.self) {
                try await repos.agents.replace(AgentRecord(number: "2999", name: "Nobody"))
            }
            #expect(missing?.kind == .notFound)
            for bad in [AgentRecord(number: "12a", name: "X"), AgentRecord(number: "2002", name: " ")] {
                let error = await #expect(throws: StoreError.self) { try await repos.agents.create(bad) }
                #expect(error?.kind == .invalidArgument)
            }
        }
    }

    @Test(
        "an agent's Unix user is found, changed and cleared; one user is at most one agent; bad names are refused",
        arguments: StoreBackend.allCases)
    func agentUnixUser(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            var anna = AgentRecord(number: "2001", name: "Anna", unixUser: "anna")
            try await repos.agents.create(anna)
            try await repos.agents.create(AgentRecord(number: "2002", name: "Béla"))
            #expect(try await repos.agents.get("2001")?.unixUser == "anna")
            #expect(try await repos.agents.agent(unixUser: "anna")?.number == "2001")
            #expect(try await repos.agents.agent(unixUser: "bela") == nil)

            let taken = await #expect(throws: StoreError.self) {
                try await repos.agents.replace(AgentRecord(number: "2002", name: "Béla", unixUser: "anna"))
            }
            #expect(taken?.kind == .conflict)
            #expect(taken?.message.contains("already agent 2001") == true)
            let takenOnCreate = await #expect(throws: StoreError.self) {
                try await repos.agents.create(AgentRecord(number: "2003", name: "C", unixUser: "anna"))
            }
            #expect(takenOnCreate?.kind == .conflict)

            anna.unixUser = nil
            try await repos.agents.replace(anna)
            #expect(try await repos.agents.agent(unixUser: "anna") == nil)
            // Two agents without a user are fine (the unique index ignores NULLs).
            #expect(try await repos.agents.list().allSatisfy { $0.unixUser == nil })
            try await repos.agents.replace(AgentRecord(number: "2002", name: "Béla", unixUser: "anna"))
            #expect(try await repos.agents.agent(unixUser: "anna")?.number == "2002")

            for bad in ["", "-rf", "anna kovacs", String(repeating: "a", count: 33), "ünnep"] {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.agents.create(AgentRecord(number: "2009", name: "X", unixUser: bad))
                }
                #expect(error?.kind == .invalidArgument, "\(bad)")
            }
        }
    }

    @Test(
        "finished queue calls are stored once each and found by any event in the range",
        arguments: StoreBackend.allCases)
    func queueCalls(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let t0 = TestClock.start
            func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
            // Joined before the range, answered before it, completed inside it.
            let early = QueueCallLogRecord(
                queue: "sales", caller: "+3612345678", priority: 1, joinedAt: at(-10), outcome: "answered",
                leftQueueAt: at(-9), agent: "2001", endedAt: at(-2), completedAt: at(1), waitSeconds: 60,
                talkSeconds: 420, wrapUpSeconds: 180)
            let inside = QueueCallLogRecord(
                queue: "sales", caller: "201", joinedAt: at(5), outcome: "overflowed", exitReason: "max-wait",
                leftQueueAt: at(10), waitSeconds: 300)
            let otherQueue = QueueCallLogRecord(
                queue: "support", caller: "202", joinedAt: at(6), outcome: "short-abandoned", leftQueueAt: at(6),
                waitSeconds: 2)
            let before = QueueCallLogRecord(
                queue: "sales", caller: "203", joinedAt: at(-30), outcome: "abandoned", leftQueueAt: at(-20),
                waitSeconds: 600)
            let after = QueueCallLogRecord(
                queue: "sales", caller: "204", joinedAt: at(60), outcome: "rejected", exitReason: "queue-full",
                leftQueueAt: at(60), waitSeconds: 0)
            var stored: [QueueCallLogRecord] = []
            for record in [early, inside, otherQueue, before, after] {
                stored.append(try await repos.queueCalls.insert(record))
            }
            let ids = stored.compactMap(\.id)
            #expect(Set(ids).count == 5)

            let sales = try await repos.queueCalls.records(queue: "sales", from: at(0), until: at(60))
            #expect(sales == [stored[0], stored[1]])
            #expect(sales.first?.lastEventAt == at(1))
            let all = try await repos.queueCalls.records(queue: nil, from: at(0), until: at(60))
            #expect(all == [stored[0], stored[1], stored[2]])
            // `until` is exclusive, `from` inclusive.
            let edge = try await repos.queueCalls.records(queue: "sales", from: at(-20), until: at(5))
            #expect(edge.map(\.caller) == ["203", "+3612345678"])
            let nothing = try await repos.queueCalls.records(queue: "nowhere", from: at(-100), until: at(100))
            #expect(nothing.isEmpty)

            let bad = QueueCallLogRecord(
                queue: "sales", caller: "205", joinedAt: at(0), outcome: "vanished", leftQueueAt: at(1), waitSeconds: 60
            )
            let refused = await #expect(throws: StoreError.self) { try await repos.queueCalls.insert(bad) }
            #expect(refused?.kind == .invalidArgument)
        }
    }
}
