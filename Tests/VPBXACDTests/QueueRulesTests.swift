import Foundation
import Testing

@testable import VPBXACD

@Suite("Queue rules: empty queues, length, max wait, priority, several queues")
struct QueueRulesTests {
    @Test("join-when-empty: no agents logged in rejects the caller to the overflow destination")
    func rejectWhenNobodyLoggedIn() throws {
        let queue = QueueSettings(
            name: "sales", members: members("1"), overflowDestination: "vm:1000", rejectJoinWhen: .noAgentsLoggedIn)
        var distributor = try makeDistributor([queue], agents: ["1"])
        let rejected = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        #expect(
            rejected.actions == [.reject(caller: "c1", queue: "sales", destination: "vm:1000", reason: .queueEmpty)])
        #expect(rejected.records.map(\.outcome) == [.rejected])
        #expect(distributor.waitingCallers(in: "sales").isEmpty)
        // A paused agent is logged in: the caller may join under this rule.
        try distributor.logIn(["1"])
        _ = distributor.agentPaused("1", reason: "lunch", now: at(1))
        #expect(try distributor.callerJoined("c2", queue: "sales", now: at(2)).actions.isEmpty)
        #expect(distributor.waitingCallers(in: "sales").map(\.caller) == ["c2"])
        #expect(distributor.totals(of: "sales")?.rejected == 1)
        #expect(distributor.totals(of: "sales")?.offered == 1)
    }

    @Test("join-when-empty: all agents paused rejects under the unpaused rule")
    func rejectWhenAllPaused() throws {
        let queue = QueueSettings(name: "sales", members: members("1", "2"), rejectJoinWhen: .noAgentsUnpaused)
        var distributor = try makeDistributor([queue], agents: ["1", "2"])
        try distributor.logIn(["1", "2"])
        _ = distributor.agentPaused("1", reason: "lunch", now: at(0))
        _ = distributor.agentPaused("2", reason: "meeting", now: at(0))
        let rejected = try distributor.callerJoined("c1", queue: "sales", now: at(1))
        #expect(rejected.actions == [.reject(caller: "c1", queue: "sales", destination: nil, reason: .queueEmpty)])
        // Agent 2 is back but busy on another call: not paused, so the queue is not empty.
        _ = distributor.agentBusyElsewhere("2", now: at(2))
        _ = distributor.agentUnpaused("2", now: at(3))
        #expect(distributor.agent("2")?.state == .otherCall)
        #expect(try distributor.callerJoined("c2", queue: "sales", now: at(4)).actions.isEmpty)
    }

    @Test("leave-when-empty: waiting callers overflow when the last agent pauses or logs out")
    func leaveWhenEmpty() throws {
        let paused = QueueSettings(
            name: "sales", members: members("1"), overflowDestination: "queue:support", leaveWhen: .noAgentsUnpaused)
        let loggedIn = QueueSettings(name: "support", members: members("2"), leaveWhen: .noAgentsLoggedIn)
        var distributor = try makeDistributor([paused, loggedIn], agents: ["1", "2"])
        try distributor.logIn(["1", "2"])
        _ = distributor.agentBusyElsewhere("1", now: at(0))
        _ = distributor.agentBusyElsewhere("2", now: at(0))
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(1))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(2))
        _ = try distributor.callerJoined("c3", queue: "support", now: at(3))
        // Pausing agent 2 does not empty `support` (only logging out does).
        #expect(distributor.agentPaused("2", reason: "lunch", now: at(5)).actions.isEmpty)
        let emptied = distributor.agentPaused("1", reason: "lunch", now: at(10))
        #expect(
            emptied.actions == [
                .overflow(caller: "c1", queue: "sales", destination: "queue:support", reason: .queueEmpty),
                .overflow(caller: "c2", queue: "sales", destination: "queue:support", reason: .queueEmpty),
            ])
        #expect(emptied.records.map(\.waitSeconds) == [9, 8])
        let gone = distributor.agentLoggedOut("2", now: at(20))
        #expect(gone.actions == [.overflow(caller: "c3", queue: "support", destination: nil, reason: .queueEmpty)])
        #expect(distributor.totals(of: "sales")?.overflowed == 2)
    }

    @Test("max length: a caller beyond it is rejected as full; room frees when someone leaves")
    func maxLength() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), overflowDestination: "vm:1000", maxLength: 2)
        var distributor = try makeDistributor([queue], agents: ["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(1))
        let full = try distributor.callerJoined("c3", queue: "sales", now: at(2))
        #expect(full.actions == [.reject(caller: "c3", queue: "sales", destination: "vm:1000", reason: .queueFull)])
        #expect(full.records.first?.exitReason == .queueFull)
        _ = distributor.callerLeft("c1", now: at(3))
        #expect(try distributor.callerJoined("c4", queue: "sales", now: at(4)).actions.isEmpty)
        #expect(distributor.waitingCallers(in: "sales").map(\.caller) == ["c2", "c4"])
    }

    @Test("max wait: the caller overflows at the limit and a ringing offer is cancelled without blame")
    func maxWaitOverflow() throws {
        let queue = QueueSettings(
            name: "sales", members: members("1"), ringTimeoutSeconds: 100, maxWaitSeconds: 60,
            overflowDestination: "vm:1000", pauseOnNoAnswer: true)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        let joined = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        #expect(joined.nextDeadline == at(60))
        #expect(distributor.tick(now: at(59)).actions.isEmpty)
        let overflowed = distributor.tick(now: at(60))
        #expect(
            overflowed.actions == [
                .cancelOffer(caller: "c1", agents: ["1"]),
                .overflow(caller: "c1", queue: "sales", destination: "vm:1000", reason: .maxWait),
            ])
        let record = try #require(overflowed.records.first)
        #expect(record.outcome == .overflowed)
        #expect(record.exitReason == .maxWait)
        #expect(record.waitSeconds == 60)
        #expect(distributor.agent("1")?.state == .available)
        #expect(overflowed.nextDeadline == nil)
    }

    @Test("a higher priority goes first; FIFO within a priority")
    func priorityOrdering() throws {
        let queue = QueueSettings(name: "sales", strategy: .linear, members: members("1"))
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = distributor.agentPaused("1", reason: "briefing", now: at(0))
        for (index, priority) in [0, 0, 5, 5, 0, 9].enumerated() {
            _ = try distributor.callerJoined("c\(index)", queue: "sales", priority: priority, now: at(Double(index)))
        }
        #expect(distributor.waitingCallers(in: "sales").map(\.caller) == ["c5", "c2", "c3", "c0", "c1", "c4"])
        var served: [String] = []
        var output = distributor.agentUnpaused("1", now: at(10))
        for step in 0..<6 {
            let caller = try #require(output.offers.first?.caller)
            served.append(caller)
            let now = at(20 + Double(step) * 10)
            _ = distributor.offerAnswered(caller: caller, agent: "1", now: now)
            output = distributor.queueCallEnded(caller: caller, now: now.addingTimeInterval(5))
        }
        #expect(served == ["c5", "c2", "c3", "c0", "c1", "c4"])
    }

    @Test("an agent in several queues gets the longest-waiting caller across them")
    func longestWaitAcrossQueues() throws {
        let sales = QueueSettings(name: "sales", members: members("1"))
        let support = QueueSettings(name: "support", members: members("1", "2"))
        var distributor = try makeDistributor([sales, support], agents: ["1", "2"])
        try distributor.logIn(["1"])
        _ = distributor.agentPaused("1", reason: "briefing", now: at(0))
        _ = try distributor.callerJoined("s1", queue: "support", now: at(1))
        _ = try distributor.callerJoined("a1", queue: "sales", now: at(2))
        _ = try distributor.callerJoined("s2", queue: "support", now: at(3))
        #expect(distributor.agentUnpaused("1", now: at(10)).offered("s1") == ["1"])
        _ = distributor.offerAnswered(caller: "s1", agent: "1", now: at(11))
        #expect(distributor.queueCallEnded(caller: "s1", now: at(20)).offered("a1") == ["1"])
        _ = distributor.offerAnswered(caller: "a1", agent: "1", now: at(21))
        // A higher priority in the other queue beats the older caller.
        _ = try distributor.callerJoined("a2", queue: "sales", priority: 1, now: at(22))
        #expect(distributor.queueCallEnded(caller: "a1", now: at(30)).offered("a2") == ["1"])
        // Agent 2 logs in to support only and takes s2 at once.
        #expect(try distributor.agentLoggedIn("2", at: "102", now: at(31)).offered("s2") == ["2"])
    }

    @Test("an agent logged in to some of their queues is only offered those")
    func partialLogin() throws {
        let sales = QueueSettings(name: "sales", members: members("1"))
        let support = QueueSettings(name: "support", members: members("1"))
        var distributor = try makeDistributor([sales, support], agents: ["1"])
        _ = try distributor.agentLoggedIn("1", at: "101", queues: ["support"], now: at(0))
        #expect(try distributor.callerJoined("c1", queue: "sales", now: at(1)).actions.isEmpty)
        #expect(try distributor.callerJoined("c2", queue: "support", now: at(2)).offered("c2") == ["1"])
        #expect(distributor.agent("1")?.queues == ["support"])
        #expect(distributor.agent("1")?.extensionNumber == "101")
    }

    @Test("the exit digit sends a waiting caller to the overflow destination, not counted as abandoned")
    func exitDigit() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), overflowDestination: "vm:1000", exitDigit: "0")
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        let exited = distributor.callerPressedExitDigit("c1", now: at(12))
        #expect(
            exited.actions == [
                .cancelOffer(caller: "c1", agents: ["1"]),
                .overflow(caller: "c1", queue: "sales", destination: "vm:1000", reason: .exitDigit),
            ])
        #expect(exited.records.map(\.exitReason) == [.exitDigit])
        #expect(distributor.totals(of: "sales")?.overflowed == 1)
        #expect(distributor.totals(of: "sales")?.abandoned == 0)
        #expect(distributor.agent("1")?.state == .available)
        // Pressing it again, or for an unknown caller, does nothing.
        #expect(distributor.callerPressedExitDigit("c1", now: at(13)).actions.isEmpty)
    }

    @Test("removing a queue sends its callers on; answered calls still finish with a record")
    func removeQueue() throws {
        let sales = QueueSettings(name: "sales", members: members("1", "2"), overflowDestination: "queue:support")
        let support = QueueSettings(name: "support", members: members("2"))
        var distributor = try makeDistributor([sales, support], agents: ["1", "2"])
        try distributor.logIn(["1", "2"])
        _ = distributor.agentPaused("2", reason: "lunch", now: at(0))
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(3))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(5))
        let removed = distributor.removeQueue("sales", now: at(10))
        #expect(
            removed.actions == [
                .overflow(caller: "c2", queue: "sales", destination: "queue:support", reason: .queueRemoved)
            ])
        #expect(distributor.settings(of: "sales") == nil)
        #expect(distributor.agent("2")?.queues == ["support"])
        #expect(throws: ACDError.unknownQueue("sales")) {
            _ = try distributor.callerJoined("c3", queue: "sales", now: at(11))
        }
        let ended = distributor.queueCallEnded(caller: "c1", now: at(40))
        #expect(ended.records.map(\.caller) == ["c1"])
        #expect(ended.records.first?.talkSeconds == 37)
    }

    @Test("changing members takes effect at once for logged-in agents")
    func membersChangeLive() throws {
        let sales = QueueSettings(name: "sales", members: members("1", "2"))
        var support = QueueSettings(name: "support", members: [])
        var distributor = try makeDistributor([sales, support], agents: ["1", "2"])
        _ = try distributor.agentLoggedIn("1", at: "101", now: at(0))
        _ = try distributor.agentLoggedIn("2", at: "102", queues: ["sales"], now: at(0))
        _ = try distributor.callerJoined("c1", queue: "support", now: at(1))
        // Agent 2 chose their queues at login, so only agent 1 (logged in to all) joins support.
        support.members = members("2", "1")
        let added = try distributor.configure(support, now: at(5))
        #expect(added.actions == [.offer(caller: "c1", queue: "support", agents: ["1"], until: at(25))])
        #expect(distributor.agent("1")?.queues == ["sales", "support"])
        #expect(distributor.agent("2")?.queues == ["sales"])
        // Removing agent 2 from sales: the next sales caller is not offered to them.
        _ = try distributor.configure(QueueSettings(name: "sales", members: members("1")), now: at(6))
        #expect(distributor.agent("2")?.queues == [])
        #expect(try distributor.callerJoined("c2", queue: "sales", now: at(7)).actions.isEmpty)
    }
}
