import Foundation
import VPBXConsole
import VPBXControl

/// Queues, agents and waiting callers for the call-center tests.
extension Fixtures {
    static func period(answered: Int = 40, abandoned: Int = 3, serviceLevel: Double? = 85) -> QueuePeriodInfo {
        QueuePeriodInfo(
            since: now - 8 * 3600, offered: answered + abandoned, answered: answered, abandoned: abandoned,
            shortAbandoned: 1, overflowed: 0, rejected: 0, serviceLevelPercent: serviceLevel,
            averageSpeedOfAnswerSeconds: 12, averageHandleTimeSeconds: 185, longestWaitSeconds: 95)
    }

    /// A queue with callers who joined `waits` seconds before `now`.
    static func queue(
        _ name: String = "support", waits: [TimeInterval] = [42, 7], available: Int = 1, onCall: Int = 1,
        paused: Int = 1, answered: Int = 40, abandoned: Int = 3, serviceLevel: Double? = 85
    ) -> QueueStatsInfo {
        let waiting = waits.enumerated().map { index, wait in
            WaitingCallerInfo(
                callID: "w\(index + 1)", priority: 0, joinedAt: now - wait, waitedSeconds: Int(wait), offeredTo: [])
        }
        return QueueStatsInfo(
            queue: name, callsWaiting: waits.count, longestCurrentWaitSeconds: Int(waits.max() ?? 0),
            agentsLoggedIn: available + onCall + paused, agentsAvailable: available, agentsRinging: 0,
            agentsOnCall: onCall, agentsInWrapUp: 0, agentsPaused: paused, agentsOnOtherCall: 0,
            today: period(answered: answered, abandoned: abandoned, serviceLevel: serviceLevel),
            window: period(answered: 5, abandoned: 0, serviceLevel: 100), waiting: waiting)
    }

    static func agent(
        _ number: String, _ name: String, state: String, reason: String? = nil, queues: [String] = ["support"],
        sinceSecondsAgo: TimeInterval = 65
    ) -> AgentStatusInfo {
        AgentStatusInfo(
            number: number, name: name, state: state, reason: reason, extensionNumber: "1\(number.suffix(3))",
            queues: queues, stateSince: now - sinceSecondsAgo, secondsInState: Int(sinceSecondsAgo), callsHandled: 4)
    }

    static let agents = [
        agent("2001", "Kovács Ödön", state: "available", sinceSecondsAgo: 65),
        agent("2002", "Szabó Erzsébet", state: "on-call", sinceSecondsAgo: 125),
        agent("2003", "Tóth Győző", state: "paused", reason: "lunch", sinceSecondsAgo: 600),
    ]

    static func callCenterSnapshot(
        seq: UInt64 = 10, role: Role = .supervisor, queues: [QueueStatsInfo]? = [queue(), queue("sales", waits: [])],
        agents: [AgentStatusInfo]? = Fixtures.agents
    ) -> ConsoleSnapshot {
        var snapshot = snapshot(seq: seq, calls: [])
        snapshot.role = role
        snapshot.queues = queues
        snapshot.agents = agents
        return snapshot
    }

    static func queueChanged(_ seq: UInt64, _ name: String) -> RPCEvent {
        RPCEvent(seq: seq, topic: "queue", type: "queue.changed", data: ["queue": .string(name)])
    }

    static func agentChanged(_ seq: UInt64, _ number: String) -> RPCEvent {
        RPCEvent(seq: seq, topic: "agent", type: "agent.changed", data: ["agent": .string(number)])
    }
}
