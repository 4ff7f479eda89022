import Foundation
import Testing

@testable import VPBXACD

@Suite("Fairness: seeded simulations of a busy call center")
struct FairnessSimulationTests {
    /// Three queues with different strategies; every agent in two of them (1-3 sales and
    /// support, 4-6 support and billing, 7-9 billing and sales), so fair shares are equal. A
    /// two-minute maximum wait makes some callers overflow at the busiest moments, billing holds
    /// at most six callers, and every agent takes one 5-15 minute break in hours 1-3.
    static func callCenter(seed: UInt64) throws -> CallCenterSimulation {
        let common = (maxWait: 120, retry: 5, ring: 15)
        let sales = QueueSettings(
            name: "sales", strategy: .fewestCalls, members: members("1", "2", "3", "7", "8", "9"),
            ringTimeoutSeconds: common.ring, retryDelaySeconds: common.retry, maxWaitSeconds: common.maxWait,
            overflowDestination: "vm:1000", wrapUpSeconds: 10)
        let support = QueueSettings(
            name: "support", strategy: .roundRobin, members: members("1", "2", "3", "4", "5", "6"),
            ringTimeoutSeconds: common.ring, retryDelaySeconds: common.retry, maxWaitSeconds: common.maxWait,
            overflowDestination: "vm:2000", wrapUpSeconds: 10)
        let billing = QueueSettings(
            name: "billing", strategy: .longestIdle, members: members("9", "8", "7", "6", "5", "4"),
            ringTimeoutSeconds: common.ring, retryDelaySeconds: common.retry, maxWaitSeconds: common.maxWait,
            maxLength: 6, wrapUpSeconds: 10)
        let agents = (1...9).map(String.init)
        var distributor = try makeDistributor([sales, support, billing], agents: agents, seed: seed)
        try distributor.logIn(agents)
        var simulation = CallCenterSimulation(distributor: distributor, seed: seed)
        simulation.scheduleArrivals(
            queues: ["sales", "support", "billing"], duration: 4 * 3600, meanGap: 13, abandonOneIn: 10)
        simulation.scheduleBreaks(agents: agents, from: 3600, to: 3 * 3600)
        return simulation
    }

    @Test("many callers over several queues: FIFO per priority, everyone served or sent on, nobody starves")
    func busyCallCenter() throws {
        var simulation = try Self.callCenter(seed: 2026)
        try simulation.run()
        #expect(simulation.fifoViolations.isEmpty, "\(simulation.fifoViolations.prefix(5))")
        #expect(simulation.joined.count > 900)
        // One record per caller, each with a final outcome, and nobody left waiting.
        #expect(simulation.records.count == simulation.joined.count)
        #expect(Set(simulation.records.map(\.caller)) == Set(simulation.joined))
        let outcomes = Dictionary(grouping: simulation.records, by: \.outcome).mapValues(\.count)
        #expect(Set(outcomes.keys).isSubset(of: [.answered, .overflowed, .abandoned, .shortAbandoned, .rejected]))
        #expect((outcomes[.answered] ?? 0) > simulation.joined.count * 85 / 100, "\(outcomes)")
        #expect((outcomes[.overflowed] ?? 0) > 0, "the busiest moments should reach the maximum wait")
        // Nobody waited past the maximum: the overflow timer always fired.
        #expect(simulation.records.allSatisfy { $0.waitSeconds <= 120 })
        for queue in ["sales", "support", "billing"] {
            #expect(simulation.distributor.waitingCallers(in: queue).isEmpty)
        }
        // Every agent took a fair share: each is in two queues, so shares should be near equal.
        let answered = simulation.answeredBy
        let mean = Double(answered.values.reduce(0, +)) / 9
        for agent in (1...9).map(String.init) {
            #expect(
                Double(answered[agent] ?? 0) > mean * 0.85, "agent \(agent): \(answered[agent] ?? 0) of mean \(mean)")
        }
        // Live counters agree with the agents' own.
        let agentTotal = (1...9).compactMap {
            simulation.distributor.agentStatistics(of: String($0), now: at(simulation.now))?.callsHandled
        }
        .reduce(0, +)
        let queueTotal = ["sales", "support", "billing"].compactMap { simulation.distributor.totals(of: $0)?.answered }
            .reduce(0, +)
        #expect(agentTotal == queueTotal)
        #expect(queueTotal == outcomes[.answered])
        // Each agent's talk and wrap-up time equals the sum over their call records.
        for agent in (1...9).map(String.init) {
            let statistics = try #require(simulation.distributor.agentStatistics(of: agent, now: at(simulation.now)))
            let theirs = simulation.records.filter { $0.agent == agent }
            #expect(statistics.talkTime == theirs.map(\.talkSeconds).reduce(0, +))
            #expect(statistics.wrapUpTime == theirs.map(\.wrapUpSeconds).reduce(0, +))
            #expect(statistics.callsHandled == theirs.count)
            #expect(statistics.pauses["break"]?.count == 1)
        }
    }

    @Test("higher priority callers wait less than the others in the same simulation")
    func priorityWaitsLess() throws {
        var simulation = try Self.callCenter(seed: 99)
        try simulation.run()
        let answered = simulation.records.filter { $0.outcome == .answered }
        func averageWait(_ priority: Int) -> Double {
            let waits = answered.filter { $0.priority == priority }.map(\.waitSeconds)
            return waits.reduce(0, +) / Double(max(waits.count, 1))
        }
        #expect(answered.contains { $0.priority == 1 })
        #expect(averageWait(1) < averageWait(0), "priority 1: \(averageWait(1)) s, priority 0: \(averageWait(0)) s")
    }

    /// One queue of six agents, `strategy`, moderate load; returns calls answered per agent.
    static func spread(_ strategy: DistributionStrategy, seed: UInt64) throws -> [Int] {
        let queue = QueueSettings(
            name: "sales", strategy: strategy, members: members("1", "2", "3", "4", "5", "6"), ringTimeoutSeconds: 15,
            retryDelaySeconds: 5, wrapUpSeconds: 5)
        let agents = (1...6).map(String.init)
        var distributor = try makeDistributor([queue], agents: agents, seed: seed)
        try distributor.logIn(agents)
        var simulation = CallCenterSimulation(distributor: distributor, seed: seed)
        simulation.noAnswerChance = 0
        simulation.talkSeconds = 20...200
        simulation.scheduleArrivals(queues: ["sales"], duration: 3 * 3600, meanGap: 40, abandonOneIn: 0)
        try simulation.run()
        #expect(simulation.fifoViolations.isEmpty)
        return agents.map { simulation.answeredBy[$0] ?? 0 }
    }

    @Test("fewest calls keeps the spread of calls handled small; linear does not")
    func fewestCallsSpread() throws {
        let fewest = try Self.spread(.fewestCalls, seed: 7)
        let linear = try Self.spread(.linear, seed: 7)
        #expect(fewest.reduce(0, +) > 200)
        #expect(fewest.max()! - fewest.min()! <= 3, "fewest calls: \(fewest)")
        // The control: linear piles calls onto the first members.
        #expect(linear.max()! - linear.min()! > 30, "linear: \(linear)")
    }
}
