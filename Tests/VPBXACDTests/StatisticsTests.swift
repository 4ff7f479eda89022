import Foundation
import Testing

@testable import VPBXACD

@Suite("Statistics: hand-computed figures")
struct StatisticsTests {
    /// One agent, service level 20 s, short abandon 5 s, wrap-up 10 s:
    /// c1 joins 0, answered 10 (within), talks to 70, wrap-up to 80;
    /// c2 joins 20, answered 85 (wait 65, outside), talks to 125, wrap-up to 135;
    /// c3 joins 30, hangs up 33 (short abandon); c4 joins 40, hangs up 60 (abandon, wait 20).
    static func scenario() throws -> (TestDistributor, [QueueCallRecord]) {
        let queue = QueueSettings(
            name: "sales", members: members("1"), serviceLevelSeconds: 20, shortAbandonSeconds: 5, wrapUpSeconds: 10)
        var distributor = try makeDistributor([queue], agents: ["1"])
        try distributor.logIn(["1"])
        var records: [QueueCallRecord] = []
        func keep(_ output: ACDOutput) { records += output.records }
        keep(try distributor.callerJoined("c1", queue: "sales", now: at(0)))
        keep(distributor.offerAnswered(caller: "c1", agent: "1", now: at(10)))
        keep(try distributor.callerJoined("c2", queue: "sales", now: at(20)))
        keep(try distributor.callerJoined("c3", queue: "sales", now: at(30)))
        keep(distributor.callerLeft("c3", now: at(33)))
        keep(try distributor.callerJoined("c4", queue: "sales", now: at(40)))
        keep(distributor.callerLeft("c4", now: at(60)))
        keep(distributor.queueCallEnded(caller: "c1", now: at(70)))
        keep(distributor.tick(now: at(80)))
        keep(distributor.offerAnswered(caller: "c2", agent: "1", now: at(85)))
        keep(distributor.callerLeft("c2", now: at(125)))
        keep(distributor.tick(now: at(135)))
        return (distributor, records)
    }

    @Test("service level, ASA, AHT, abandoned and short abandoned")
    func handComputed() throws {
        let (distributor, records) = try Self.scenario()
        let totals = try #require(distributor.totals(of: "sales"))
        #expect(totals.offered == 4)
        #expect(totals.answered == 2)
        #expect(totals.answeredWithinServiceLevel == 1)
        #expect(totals.abandoned == 1)
        #expect(totals.shortAbandoned == 1)
        #expect(totals.overflowed == 0)
        #expect(totals.completed == 2)
        // 1 within / (2 answered + 1 abandoned); the short abandon is left out.
        #expect(totals.serviceLevel == 1.0 / 3.0)
        #expect(totals.averageSpeedOfAnswer == 37.5)
        // (60 + 10 + 40 + 10) / 2
        #expect(totals.averageHandleTime == 60)
        #expect(totals.longestWait == 65)
        #expect(records.map(\.caller) == ["c3", "c4", "c1", "c2"])
        #expect(records.map(\.outcome) == [.shortAbandoned, .abandoned, .answered, .answered])
        let agent = try #require(distributor.agentStatistics(of: "1", now: at(135)))
        #expect(agent.callsHandled == 2)
        #expect(agent.talkTime == 100)
        #expect(agent.wrapUpTime == 20)
        #expect(agent.state == .available)
        #expect(agent.timeInState == 0)
    }

    @Test("empty totals have no ratios rather than zero")
    func emptyTotals() {
        let totals = QueueTotals()
        #expect(totals.serviceLevel == nil)
        #expect(totals.averageSpeedOfAnswer == nil)
        #expect(totals.averageHandleTime == nil)
    }

    @Test("overflowed callers count against the service level")
    func overflowInDenominator() {
        var totals = QueueTotals()
        totals.apply(.answered(wait: 5), serviceLevelSeconds: 20)
        totals.apply(.answered(wait: 20), serviceLevelSeconds: 20)
        totals.apply(.overflowed(wait: 300), serviceLevelSeconds: 20)
        totals.apply(.abandoned(wait: 2, short: true), serviceLevelSeconds: 20)
        #expect(totals.answeredWithinServiceLevel == 2)
        #expect(totals.serviceLevel == 2.0 / 3.0)
        #expect(totals.longestWait == 300)
    }

    @Test("the rolling window drops whole minutes as they fall out of it")
    func rollingWindowExpiry() throws {
        let (distributor, _) = try Self.scenario()
        #expect(distributor.windowTotals(of: "sales", now: at(135)) == distributor.totals(of: "sales"))
        // At 900 s the window is [60, 900]: minute 0 (joins, c1's answer, the short abandon) is gone.
        #expect(distributor.windowStart(at: at(900)) == at(60))
        let window = try #require(distributor.windowTotals(of: "sales", now: at(900)))
        #expect(window.offered == 0)
        #expect(window.answered == 1)
        #expect(window.answeredWithinServiceLevel == 0)
        #expect(window.abandoned == 1)
        #expect(window.shortAbandoned == 0)
        #expect(window.completed == 2)
        #expect(window.averageSpeedOfAnswer == 65)
        // At 1020 s the window starts at 180 s: everything has expired.
        #expect(distributor.windowTotals(of: "sales", now: at(1020)) == QueueTotals())
        // The since-reset totals are not a window.
        #expect(distributor.totals(of: "sales")?.offered == 4)
    }

    @Test("reset starts a new period for queues and agents, not for the window")
    func reset() throws {
        var (distributor, _) = try Self.scenario()
        distributor.resetStatistics(at: at(200))
        #expect(distributor.statisticsSince == at(200))
        #expect(distributor.totals(of: "sales") == QueueTotals())
        #expect(distributor.agentStatistics(of: "1", now: at(200))?.callsHandled == 0)
        #expect(distributor.windowTotals(of: "sales", now: at(200))?.offered == 4)
    }

    @Test("live figures: waiting callers, longest wait and agent states")
    func live() throws {
        let queue = QueueSettings(
            name: "sales", strategy: .linear, members: members("1", "2", "3", "4", "5"), wrapUpSeconds: 30)
        let other = QueueSettings(name: "other", members: members("5"))
        var distributor = try makeDistributor([queue, other], agents: ["1", "2", "3", "4", "5", "6"])
        try distributor.logIn(["1", "2", "3"])
        _ = try distributor.agentLoggedIn("5", at: "105", queues: ["other"], now: t0)
        _ = distributor.agentPaused("3", reason: "lunch", now: at(0))
        _ = try distributor.callerJoined("c1", queue: "sales", now: at(0))  // rings 1
        _ = distributor.offerAnswered(caller: "c1", agent: "1", now: at(2))
        _ = try distributor.callerJoined("c2", queue: "sales", now: at(5))  // rings 2
        _ = distributor.agentBusyElsewhere("2", now: at(6))  // c2 waits again
        _ = try distributor.callerJoined("c3", queue: "sales", now: at(8))
        let live = try #require(distributor.liveStatistics(of: "sales", now: at(20)))
        #expect(live.callsWaiting == 2)
        #expect(live.longestCurrentWait == 15)
        #expect(live.agentsLoggedIn == 3)
        #expect(live.agentsOnCall == 1)
        #expect(live.agentsOnOtherCall == 1)
        #expect(live.agentsPaused == 1)
        #expect(live.agentsAvailable == 0)
        #expect(live.agentsRinging == 0)
        _ = distributor.queueCallEnded(caller: "c1", now: at(30))
        // Agent 1 goes to wrap-up (c2 and c3 keep waiting).
        #expect(distributor.liveStatistics(of: "sales", now: at(31))?.agentsInWrapUp == 1)
        // Agent 5 is only logged in to "other".
        #expect(distributor.liveStatistics(of: "other", now: at(31))?.agentsAvailable == 1)
    }

    @Test("pauses are counted by reason, with their durations")
    func pausesByReason() throws {
        var distributor = try makeDistributor([QueueSettings(name: "sales", members: members("1"))], agents: ["1"])
        try distributor.logIn(["1"])
        _ = distributor.agentPaused("1", reason: "lunch", now: at(100))
        _ = distributor.agentPaused("1", reason: "training", now: at(200))
        _ = distributor.agentUnpaused("1", now: at(250))
        _ = distributor.agentPaused("1", reason: "lunch", now: at(300))
        _ = distributor.agentLoggedOut("1", now: at(320))
        let statistics = try #require(distributor.agentStatistics(of: "1", now: at(330)))
        #expect(statistics.pauses["lunch"] == PauseTally(count: 2, duration: 120))
        #expect(statistics.pauses["training"] == PauseTally(count: 1, duration: 50))
        #expect(statistics.state == .loggedOut)
        #expect(statistics.timeInState == 10)
        #expect(statistics.name == "Agent 1")
    }

    @Test("the rolling window includes its first instant and excludes the second before it")
    func rollingWindowEdges() {
        var window = RollingTotals(windowSeconds: 900, slotSeconds: 60)
        window.apply(.joined, at: at(59), serviceLevelSeconds: 20)
        window.apply(.joined, at: at(60), serviceLevelSeconds: 20)
        // At 899 s the window is [0, 899]; at 900 s it is [60, 900] and the join at 59 s is out.
        #expect(window.totals(at: at(899)).offered == 2)
        #expect(window.windowStart(at: at(900)) == at(60))
        #expect(window.totals(at: at(900)).offered == 1)
        window.apply(.joined, at: at(959), serviceLevelSeconds: 20)
        #expect(window.totals(at: at(959)).offered == 2)
        #expect(window.totals(at: at(960)).offered == 1)
        #expect(window.totals(at: at(1799)).offered == 1)
        #expect(window.totals(at: at(1800)).offered == 0)
        // A late event for a slot the ring has already reused is dropped, not misfiled.
        window.apply(.joined, at: at(30), serviceLevelSeconds: 20)
        #expect(window.totals(at: at(959)).offered == 2)
    }
}
