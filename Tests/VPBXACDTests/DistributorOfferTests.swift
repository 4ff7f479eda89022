import Foundation
import Testing

@testable import VPBXACD

@Suite("Distributor: offers, answers, timeouts and wrap-up")
struct DistributorOfferTests {
    @Test("a caller joining while an agent is free is offered in the same output")
    func immediateOffer() throws {
        var distributor = try makeDistributor([QueueSettings(name: "sales", members: members("1"))], agents: ["1"])
        try distributor.logIn(["1"])
        let output = try distributor.callerJoined("c1", queue: "sales", now: at(3))
        #expect(output.actions == [.offer(caller: "c1", queue: "sales", agents: ["1"], until: at(23))])
        #expect(output.nextDeadline == at(23))
        #expect(distributor.agent("1")?.state == .ringing(caller: "c1"))
        let answered = distributor.offerAnswered(caller: "c1", agent: "1", now: at(8))
        #expect(answered.actions == [.bridge(caller: "c1", agent: "1")])
        #expect(answered.nextDeadline == nil)
        #expect(distributor.agent("1")?.state == .onCall(caller: "c1"))
    }

    @Test("ring-all offers every free agent of the best tier, then cancels the others on answer")
    func ringAll() throws {
        let queue = QueueSettings(
            name: "sales", strategy: .ringAll,
            members: [QueueMember(agent: "1"), QueueMember(agent: "2"), QueueMember(agent: "3", penalty: 1)])
        var distributor = try makeDistributor([queue], agents: ["1", "2", "3"])
        try distributor.logIn(["1", "2", "3"])
        let joined = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        #expect(joined.offered("c1") == ["1", "2"])
        let answered = distributor.offerAnswered(caller: "c1", agent: "2", now: at(4))
        #expect(answered.actions == [.bridge(caller: "c1", agent: "2"), .cancelOffer(caller: "c1", agents: ["1"])])
        #expect(distributor.agent("1")?.state == .available)
        #expect(distributor.agent("3")?.state == .available)
        // The next caller rings agent 1 only: the tier-0 agent who is free.
        let next = try distributor.callerJoined("c2", queue: "sales", now: at(5))
        #expect(next.offered("c2") == ["1"])
        // A late answer from agent 1 to c1 is ignored.
        let late = distributor.offerAnswered(caller: "c1", agent: "1", now: at(6))
        #expect(late.actions.isEmpty)
    }

    @Test("penalty tiers: a higher tier is only offered when no lower-tier agent is available")
    func penaltyTiers() throws {
        let queue = QueueSettings(
            name: "support", strategy: .linear,
            members: [QueueMember(agent: "senior", penalty: 1), QueueMember(agent: "junior", penalty: 0)])
        var distributor = try makeDistributor([queue], agents: ["senior", "junior"])
        try distributor.logIn(["senior", "junior"])
        #expect(try distributor.callerJoined("c1", queue: "support", now: at(0)).offered("c1") == ["junior"])
        // Junior is ringing, so the next caller falls to the senior tier.
        #expect(try distributor.callerJoined("c2", queue: "support", now: at(1)).offered("c2") == ["senior"])
    }

    @Test("round-robin remembers where it stopped across calls")
    func roundRobinMemory() throws {
        let queue = QueueSettings(name: "sales", strategy: .roundRobin, members: members("1", "2", "3"))
        var distributor = try makeDistributor([queue], agents: ["1", "2", "3"])
        try distributor.logIn(["1", "2", "3"])
        var chosen: [String] = []
        for index in 0..<5 {
            let now = at(Double(index) * 100)
            let caller = "c\(index)"
            let agent = try #require(
                try distributor.callerJoined(caller, queue: "sales", now: now).offered(caller)?.first)
            chosen.append(agent)
            _ = distributor.offerAnswered(caller: caller, agent: agent, now: now.addingTimeInterval(2))
            _ = distributor.queueCallEnded(caller: caller, now: now.addingTimeInterval(50))
        }
        // Everyone is free at every join: without memory it would always be agent 1.
        #expect(chosen == ["1", "2", "3", "1", "2"])
        // Agent 3 is next in turn, but paused: skipped, then 1.
        _ = distributor.agentPaused("3", reason: "lunch", now: at(600))
        #expect(try distributor.callerJoined("c9", queue: "sales", now: at(601)).offered("c9") == ["1"])
    }

    @Test("longest idle: the agent free the longest gets the call even if listed later")
    func longestIdleThroughDistributor() throws {
        let queue = QueueSettings(name: "sales", strategy: .longestIdle, members: members("1", "2"))
        var distributor = try makeDistributor([queue], agents: ["1", "2"])
        try distributor.logIn(["2"], now: at(0))
        try distributor.logIn(["1"], now: at(10))
        #expect(try distributor.callerJoined("c1", queue: "sales", now: at(20)).offered("c1") == ["2"])
    }

    @Test("an unanswered offer moves to the next agent and pauses the agent when configured")
    func ringTimeoutPauses() throws {
        let queue = QueueSettings(
            name: "sales", strategy: .linear, members: members("1", "2"), ringTimeoutSeconds: 15, pauseOnNoAnswer: true)
        var distributor = try makeDistributor([queue], agents: ["1", "2"])
        try distributor.logIn(["1", "2"])
        let joined = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        #expect(joined.actions == [.offer(caller: "c1", queue: "sales", agents: ["1"], until: at(15))])
        #expect(distributor.tick(now: at(14)).actions.isEmpty)
        let timedOut = distributor.tick(now: at(15))
        #expect(
            timedOut.actions == [
                .cancelOffer(caller: "c1", agents: ["1"]),
                .offer(caller: "c1", queue: "sales", agents: ["2"], until: at(30)),
            ])
        #expect(distributor.agent("1")?.state == .paused(reason: "no-answer"))
        #expect(distributor.agentStatistics(of: "1", now: at(15))?.missedOffers == 1)
    }

    @Test("without pause-on-no-answer the agent rests for the retry delay, then is offered again")
    func ringTimeoutRests() throws {
        let queue = QueueSettings(
            name: "sales", strategy: .linear, members: members("1", "2"), ringTimeoutSeconds: 15, retryDelaySeconds: 5)
        var distributor = try makeDistributor([queue], agents: ["1", "2"])
        try distributor.logIn(["1", "2"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        let timedOut = distributor.tick(now: at(15))
        #expect(timedOut.offered("c1") == ["2"])
        #expect(distributor.agent("1")?.state == .available)
        #expect(distributor.agent("1")?.restingUntil == at(20))
        let live = try #require(distributor.liveStatistics(of: "sales", now: at(15)))
        #expect(live.agentsAvailable == 1)
        #expect(live.agentsResting == 1)
        #expect(live.agentsRinging == 1)
        // Agent 2 declines: both rest, the caller waits for agent 1's rest to end.
        let declined = distributor.offerDeclined(caller: "c1", agent: "2", now: at(17))
        #expect(declined.actions.isEmpty)
        #expect(declined.nextDeadline == at(20))
        #expect(distributor.tick(now: at(19)).actions.isEmpty)
        #expect(
            distributor.tick(now: at(20)).actions == [
                .offer(caller: "c1", queue: "sales", agents: ["1"], until: at(35))
            ])
        #expect(distributor.agentStatistics(of: "2", now: at(20))?.missedOffers == 1)
    }

    @Test("wrap-up blocks offers until it ends, then the waiting caller is offered at once")
    func wrapUpBlocks() throws {
        let queue = QueueSettings(name: "sales", strategy: .linear, members: members("1"), wrapUpSeconds: 30)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(5))
        #expect(try distributor.callerJoined("c2", queue: "sales", now: at(10)).actions.isEmpty)
        let ended = distributor.queueCallEnded(caller: "c1", now: at(65))
        #expect(ended.actions.isEmpty)
        #expect(ended.records.isEmpty)
        #expect(ended.nextDeadline == at(95))
        #expect(distributor.agent("1")?.state == .wrapUp(until: at(95)))
        #expect(distributor.tick(now: at(94)).actions.isEmpty)
        let over = distributor.tick(now: at(95))
        #expect(over.actions == [.offer(caller: "c2", queue: "sales", agents: ["1"], until: at(115))])
        let record = try #require(over.records.first)
        #expect(record.outcome == .answered)
        #expect(record.agent == "1")
        #expect(record.waitSeconds == 5)
        #expect(record.talkSeconds == 60)
        #expect(record.wrapUpSeconds == 30)
        #expect(record.completedAt == at(95))
    }

    @Test("ending wrap-up early makes the agent available at once")
    func wrapUpEndedEarly() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), wrapUpSeconds: 60)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(1))
        _ = distributor.queueCallEnded(caller: "c1", now: at(11))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(12))
        let ready = distributor.wrapUpEnded("1", now: at(20))
        #expect(ready.offered("c2") == ["1"])
        #expect(ready.records.map(\.wrapUpSeconds) == [9])
    }

    @Test("an agent on a non-queue call is not offered queue calls until it ends")
    func otherCallBlocks() throws {
        var distributor = try makeDistributor([QueueSettings(name: "sales", members: members("1"))], agents: ["1"])
        try distributor.logIn(["1"])
        _ = distributor.agentBusyElsewhere("1", now: at(0))
        #expect(distributor.agent("1")?.state == .otherCall)
        #expect(try distributor.callerJoined("c1", queue: "sales", now: at(1)).actions.isEmpty)
        #expect(distributor.agentFreeElsewhere("1", now: at(30)).offered("c1") == ["1"])
    }

    @Test("pausing during a call takes effect when the call ends, instead of wrap-up")
    func pauseDuringCall() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), wrapUpSeconds: 30)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(2))
        _ = distributor.agentPaused("1", reason: "coffee", now: at(10))
        #expect(distributor.agent("1")?.state == .onCall(caller: "c1"))
        let ended = distributor.queueCallEnded(caller: "c1", now: at(40))
        #expect(distributor.agent("1")?.state == .paused(reason: "coffee"))
        #expect(ended.records.map(\.wrapUpSeconds) == [0])
    }

    @Test("a ringing agent who logs out or pauses releases the caller to the next agent")
    func ringingAgentLeaves() throws {
        let queue = QueueSettings(name: "sales", strategy: .linear, members: members("1", "2", "3"))
        var distributor = try makeDistributor([queue], agents: ["1", "2", "3"])
        try distributor.logIn(["1", "2", "3"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        let loggedOut = distributor.agentLoggedOut("1", now: at(2))
        #expect(
            loggedOut.actions == [
                .cancelOffer(caller: "c1", agents: ["1"]),
                .offer(caller: "c1", queue: "sales", agents: ["2"], until: at(22)),
            ])
        let paused = distributor.agentPaused("2", reason: "lunch", now: at(3))
        #expect(paused.offered("c1") == ["3"])
        #expect(distributor.agent("1")?.state == .loggedOut)
    }

    @Test("a caller who hangs up while ringing cancels the offer and frees the agent")
    func callerLeavesWhileRinging() throws {
        var distributor = try makeDistributor([QueueSettings(name: "sales", members: members("1"))], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        let left = distributor.callerLeft("c1", now: at(9))
        #expect(left.actions == [.cancelOffer(caller: "c1", agents: ["1"])])
        #expect(left.records.map(\.outcome) == [.abandoned])
        #expect(distributor.agent("1")?.state == .available)
        #expect(distributor.agentStatistics(of: "1", now: at(9))?.missedOffers == 0)
    }

    @Test("logging out during a queue call: the call goes on, and logging back in finds the agent on it")
    func logoutDuringCall() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), wrapUpSeconds: 30)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(2))
        let loggedOut = distributor.agentLoggedOut("1", now: at(10))
        #expect(loggedOut.actions.isEmpty)
        #expect(distributor.agent("1")?.state == .loggedOut)
        #expect(distributor.liveStatistics(of: "sales", now: at(10))?.agentsLoggedIn == 0)
        try distributor.logIn(["1"], now: at(20))
        #expect(distributor.agent("1")?.state == .onCall(caller: "c1"))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(21))
        _ = distributor.agentLoggedOut("1", now: at(25))
        // Ends while logged out: no wrap-up, the record is written at once.
        let ended = distributor.queueCallEnded(caller: "c1", now: at(60))
        #expect(ended.actions.isEmpty)
        #expect(ended.records.map(\.wrapUpSeconds) == [0])
        #expect(ended.records.map(\.talkSeconds) == [58])
        #expect(distributor.agent("1")?.state == .loggedOut)
        #expect(distributor.agentStatistics(of: "1", now: at(60))?.talkTime == 58)
    }

    @Test("hold time: every hold of a bridged call counts, one still running at the end too; talk time includes it")
    func holdTime() throws {
        let queue = QueueSettings(name: "sales", members: members("1"), wrapUpSeconds: 0)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))
        // Not bridged yet: a hold means nothing.
        distributor.queueCallHeld(caller: "c1", now: at(1))
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(2))
        distributor.queueCallHeld(caller: "c1", now: at(10))
        distributor.queueCallHeld(caller: "c1", now: at(12))  // the other party holds too: still one hold
        distributor.queueCallResumed(caller: "c1", now: at(20))
        distributor.queueCallResumed(caller: "c1", now: at(21))  // not held: nothing
        distributor.queueCallHeld(caller: "c1", now: at(50))
        _ = distributor.queueCallEnded(caller: "c1", now: at(62))
        let statistics = try #require(distributor.agentStatistics(of: "1", now: at(62)))
        #expect(statistics.talkTime == 60)
        #expect(statistics.holdTime == 22)
    }
}
