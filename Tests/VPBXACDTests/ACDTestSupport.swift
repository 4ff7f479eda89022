import Foundation
import VPBXTestSupport

@testable import VPBXACD

typealias TestDistributor = Distributor<SeededGenerator>

/// 2027-01-15 08:00:00 UTC: a whole number of minutes and quarter hours since the epoch, so
/// rolling-window slots and report buckets start exactly at t0.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// t0 plus `seconds`.
func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

/// Members with penalty 0, in the order given.
func members(_ agents: String...) -> [QueueMember] {
    agents.map { QueueMember(agent: $0) }
}

/// A distributor at t0 with the agents defined ("1" is named "Agent 1") and the queues configured.
func makeDistributor(
    _ queues: [QueueSettings], agents: [String], seed: UInt64 = 1, windowSeconds: TimeInterval = 900
) throws -> TestDistributor {
    var distributor = TestDistributor(generator: SeededGenerator(seed: seed), now: t0, windowSeconds: windowSeconds)
    for agent in agents {
        distributor.define(AgentProfile(number: agent, name: "Agent \(agent)"), now: t0)
    }
    for queue in queues {
        _ = try distributor.configure(queue, now: t0)
    }
    return distributor
}

extension TestDistributor {
    /// Logs every agent in at extension "1<number>" to all their queues at `now`.
    mutating func logIn(_ numbers: [String], now: Date = t0) throws {
        for number in numbers {
            _ = try agentLoggedIn(number, at: "1\(number)", now: now)
        }
    }
}

extension ACDOutput {
    /// The agents offered `caller` in this output, if any.
    func offered(_ caller: String) -> [String]? {
        for action in actions {
            if case .offer(let offeredCaller, _, let agents, _) = action, offeredCaller == caller { return agents }
        }
        return nil
    }

    /// Every offer in this output as (caller, agents).
    var offers: [(caller: String, agents: [String])] {
        actions.compactMap {
            if case .offer(let caller, _, let agents, _) = $0 { return (caller, agents) }
            return nil
        }
    }
}
