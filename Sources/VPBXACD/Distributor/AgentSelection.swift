import Foundation

/// Picks which agent(s) to offer a call to. Pure: everything it looks at is in the candidates,
/// so each strategy can be tested with hand-built situations.
public enum AgentSelection {
    /// An agent who could take the call now, with the facts the strategies compare.
    public struct Candidate: Sendable, Equatable {
        public var agent: String
        /// Position in the queue's member list (linear and round-robin order, tie-breaker).
        public var memberIndex: Int
        public var penalty: Int
        /// When the agent last became available (`Agent.idleSince`).
        public var idleSince: Date
        /// Calls from this queue answered in the statistics period.
        public var callsAnswered: Int
        /// When the agent's last call from this queue ended; nil if never.
        public var lastCallEnded: Date?

        public init(
            agent: String, memberIndex: Int, penalty: Int = 0, idleSince: Date = .distantPast, callsAnswered: Int = 0,
            lastCallEnded: Date? = nil
        ) {
            self.agent = agent
            self.memberIndex = memberIndex
            self.penalty = penalty
            self.idleSince = idleSince
            self.callsAnswered = callsAnswered
            self.lastCallEnded = lastCallEnded
        }
    }

    /// The agents to ring: every candidate of the lowest penalty tier for `ringAll`, otherwise
    /// one. Ties always fall back to member order, so the choice is deterministic except for
    /// `random`, which draws from `generator`. `lastOffered` is the round-robin memory: the
    /// member index of the agent offered the queue's previous call.
    public static func choose<G: RandomNumberGenerator>(
        _ strategy: DistributionStrategy, from candidates: [Candidate], lastOffered: Int?, using generator: inout G
    ) -> [String] {
        guard let bestPenalty = candidates.map(\.penalty).min() else { return [] }
        let tier = candidates.filter { $0.penalty == bestPenalty }.sorted { $0.memberIndex < $1.memberIndex }
        switch strategy {
        case .ringAll:
            return tier.map(\.agent)
        case .linear:
            return [tier[0].agent]
        case .roundRobin:
            // The first member after the last one offered, wrapping around the member list.
            let after = lastOffered ?? -1
            let next = tier.first { $0.memberIndex > after } ?? tier[0]
            return [next.agent]
        case .longestIdle:
            return [minimum(tier) { $0.idleSince < $1.idleSince }.agent]
        case .fewestCalls:
            return [minimum(tier) { $0.callsAnswered < $1.callsAnswered }.agent]
        case .leastRecent:
            return [minimum(tier) { ($0.lastCallEnded ?? .distantPast) < ($1.lastCallEnded ?? .distantPast) }.agent]
        case .random:
            let index = Int.random(in: 0..<tier.count, using: &generator)
            return [tier[index].agent]
        }
    }

    /// The first element (in member order) that no other is strictly before.
    private static func minimum(_ tier: [Candidate], by isBefore: (Candidate, Candidate) -> Bool) -> Candidate {
        var best = tier[0]
        for candidate in tier.dropFirst() where isBefore(candidate, best) {
            best = candidate
        }
        return best
    }
}
