import Foundation
import Testing
import VPBXTestSupport

@testable import VPBXACD

@Suite("Strategies: which agent is chosen")
struct AgentSelectionTests {
    typealias Candidate = AgentSelection.Candidate

    func choose(_ strategy: DistributionStrategy, _ candidates: [Candidate], lastOffered: Int? = nil, seed: UInt64 = 7)
        -> [String]
    {
        var generator = SeededGenerator(seed: seed)
        return AgentSelection.choose(strategy, from: candidates, lastOffered: lastOffered, using: &generator)
    }

    @Test("ring-all rings every agent of the lowest tier, in member order")
    func ringAll() {
        let candidates = [
            Candidate(agent: "c", memberIndex: 2), Candidate(agent: "a", memberIndex: 0),
            Candidate(agent: "x", memberIndex: 1, penalty: 1),
        ]
        #expect(choose(.ringAll, candidates) == ["a", "c"])
    }

    @Test("linear takes the first member of the tier")
    func linear() {
        let candidates = [Candidate(agent: "b", memberIndex: 1), Candidate(agent: "d", memberIndex: 3)]
        #expect(choose(.linear, candidates) == ["b"])
    }

    @Test("round-robin continues after the last one offered and wraps around")
    func roundRobin() {
        let candidates = [
            Candidate(agent: "a", memberIndex: 0), Candidate(agent: "b", memberIndex: 1),
            Candidate(agent: "d", memberIndex: 3),
        ]
        #expect(choose(.roundRobin, candidates, lastOffered: nil) == ["a"])
        #expect(choose(.roundRobin, candidates, lastOffered: 0) == ["b"])
        // Member 2 is not available: skip to 3.
        #expect(choose(.roundRobin, candidates, lastOffered: 1) == ["d"])
        #expect(choose(.roundRobin, candidates, lastOffered: 3) == ["a"])
    }

    @Test("longest idle picks the earliest idle-since, member order on ties")
    func longestIdle() {
        let candidates = [
            Candidate(agent: "a", memberIndex: 0, idleSince: at(300)),
            Candidate(agent: "b", memberIndex: 1, idleSince: at(100)),
            Candidate(agent: "c", memberIndex: 2, idleSince: at(100)),
        ]
        #expect(choose(.longestIdle, candidates) == ["b"])
    }

    @Test("fewest calls picks the least-used agent, member order on ties")
    func fewestCalls() {
        let candidates = [
            Candidate(agent: "a", memberIndex: 0, callsAnswered: 3),
            Candidate(agent: "b", memberIndex: 1, callsAnswered: 1),
            Candidate(agent: "c", memberIndex: 2, callsAnswered: 1),
        ]
        #expect(choose(.fewestCalls, candidates) == ["b"])
    }

    @Test("least recent picks a never-called agent first, else the oldest last call")
    func leastRecent() {
        var candidates = [
            Candidate(agent: "a", memberIndex: 0, lastCallEnded: at(50)),
            Candidate(agent: "b", memberIndex: 1, lastCallEnded: nil),
            Candidate(agent: "c", memberIndex: 2, lastCallEnded: at(10)),
        ]
        #expect(choose(.leastRecent, candidates) == ["b"])
        candidates[1].lastCallEnded = at(30)
        #expect(choose(.leastRecent, candidates) == ["c"])
    }

    @Test("random draws from the injected generator, only within the best tier, roughly evenly")
    func random() {
        let candidates = [
            Candidate(agent: "a", memberIndex: 0), Candidate(agent: "b", memberIndex: 1),
            Candidate(agent: "c", memberIndex: 2), Candidate(agent: "z", memberIndex: 3, penalty: 1),
        ]
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        var counts: [String: Int] = [:]
        for _ in 0..<3000 {
            let pick = AgentSelection.choose(.random, from: candidates, lastOffered: nil, using: &first)
            #expect(pick == AgentSelection.choose(.random, from: candidates, lastOffered: nil, using: &second))
            counts[pick[0], default: 0] += 1
        }
        #expect(counts["z"] == nil)
        for agent in ["a", "b", "c"] {
            #expect((900...1100).contains(counts[agent] ?? 0), "\(agent): \(counts[agent] ?? 0)")
        }
    }

    @Test(
        "every strategy stays in the lowest penalty tier that has an agent",
        arguments: DistributionStrategy.allCases)
    func penaltyTier(strategy: DistributionStrategy) {
        // The tier-0 agent is last in member order, least idle, busiest and most recent: every
        // strategy would prefer someone else if it looked across tiers.
        let candidates = [
            Candidate(agent: "senior", memberIndex: 0, penalty: 2, idleSince: at(0), callsAnswered: 0),
            Candidate(agent: "mid", memberIndex: 1, penalty: 1, idleSince: at(0), callsAnswered: 0),
            Candidate(agent: "junior", memberIndex: 2, penalty: 1, idleSince: at(0), callsAnswered: 0),
            Candidate(
                agent: "best", memberIndex: 3, penalty: 0, idleSince: at(500), callsAnswered: 9, lastCallEnded: at(499)),
        ]
        #expect(choose(strategy, candidates) == ["best"])
        #expect(Set(choose(strategy, Array(candidates.prefix(3)))).isSubset(of: ["mid", "junior"]))
        #expect(choose(strategy, []) == [])
    }
}
