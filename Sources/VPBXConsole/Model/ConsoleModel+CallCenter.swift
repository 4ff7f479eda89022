import Foundation
import VPBXControl

/// Fresh call-center figures the session fetched after a `queue.changed` or
/// `agent.changed` event.
public enum CallCenterUpdate: Sendable, Equatable {
    /// `queue.stats` answered: with `only` set, for that one queue (an empty list means it
    /// is gone); without, for all queues (the list replaces what the console had).
    case queues([QueueStatsInfo], only: String?)
    /// `agent.status` answered: the list replaces the agents the console had.
    case agents([AgentStatusInfo])
    /// `agent.self` answered (agent role): the console user's own agent.
    case ownAgent(AgentStatusInfo)
}

/// What the session must fetch after an event whose data only names the entity.
public enum FetchRequest: Sendable, Hashable {
    case `extension`(String)
    case queue(String)
    case agents
}

/// Event topics and types of the call center.
public enum CallCenterEvents {
    public static let queueTopic = "queue"
    public static let agentTopic = "agent"
    public static let queueChanged = "queue.changed"
    public static let agentChanged = "agent.changed"
}

extension ConsoleModel {
    /// What to fetch after `event`, if anything.
    public static func fetch(after event: RPCEvent) -> FetchRequest? {
        switch event.type {
        case "extension.created", "extension.updated":
            return event.data["number"]?.stringValue.map(FetchRequest.extension)
        case CallCenterEvents.queueChanged:
            return event.data["queue"]?.stringValue.map(FetchRequest.queue)
        case CallCenterEvents.agentChanged:
            return .agents
        default:
            return nil
        }
    }

    /// Applies fetched figures; returns whether anything changed.
    @discardableResult
    public mutating func apply(_ update: CallCenterUpdate) -> Bool {
        let before = (queues, agents, hasCallCenter, ownAgent)
        switch update {
        case .queues(let list, let only?):
            if let stats = list.first(where: { $0.queue == only }) {
                queues[only] = stats
            } else {
                queues[only] = nil
            }
            hasCallCenter = true
        case .queues(let list, nil):
            queues = Dictionary(list.map { ($0.queue, $0) }, uniquingKeysWith: { _, last in last })
            hasCallCenter = true
        case .agents(let list):
            agents = Dictionary(list.map { ($0.number, $0) }, uniquingKeysWith: { _, last in last })
        case .ownAgent(let info):
            ownAgent = info
            ownAgentProblem = nil
        }
        return before != (queues, agents, hasCallCenter, ownAgent)
    }

    // MARK: - Derived views

    /// Queues by name.
    public var sortedQueues: [QueueStatsInfo] {
        queues.values.sorted { $0.queue.localizedStandardCompare($1.queue) == .orderedAscending }
    }

    /// The agents taking calls from `queue` now, by number.
    public func agents(in queue: String) -> [AgentStatusInfo] {
        agents.values.filter { $0.queues.contains(queue) }
            .sorted { $0.number.localizedStandardCompare($1.number) == .orderedAscending }
    }

    /// The callers waiting in `queue`, longest waiting first.
    public func waitingCallers(in queue: String) -> [WaitingCallerInfo] {
        (queues[queue]?.waiting ?? []).sorted { ($0.joinedAt, $0.callID) < ($1.joinedAt, $1.callID) }
    }

    /// The longest current wait in `queue` at `now`, from the callers' join times (the
    /// engine's figure, when it lists no callers).
    public func longestWait(in stats: QueueStatsInfo, now: Date) -> Int {
        guard let first = stats.waiting.map(\.joinedAt).min() else {
            return stats.callsWaiting > 0 ? stats.longestCurrentWaitSeconds : 0
        }
        return max(0, Int(now.timeIntervalSince(first)))
    }
}

extension AgentStatusInfo {
    /// Seconds in the current state at `now`, from `stateSince`.
    public func secondsInState(now: Date) -> Int { max(0, Int(now.timeIntervalSince(stateSince))) }

    /// `available`, `paused (lunch)`, `on call`.
    public var stateLabel: String {
        let words = state.replacingOccurrences(of: "-", with: " ")
        if let reason, !reason.isEmpty, state == "paused" { return "\(words) (\(reason))" }
        return words
    }
}

extension ConsoleModel {
    /// The agent the agent screen shows: `number` (`vpbx-tui --agent`) from the agent list,
    /// else the console user's own agent (`agent.self`).
    public func shownAgent(_ number: String?) -> AgentStatusInfo? {
        guard let number else { return ownAgent }
        return agents[number] ?? (ownAgent?.number == number ? ownAgent : nil)
    }

    /// Feeds the shown agent's current queue call to the desk; returns whether it changed.
    @discardableResult
    public mutating func observeDesk(agent number: String?, now: Date) -> Bool {
        desk.observe(shownAgent(number)?.call, now: now)
    }

    /// The queues screen is for admins and supervisors (agent operations need those roles).
    /// Before the role is known (engines that do not say), it is offered and the engine
    /// decides.
    public var mayUseQueuesScreen: Bool {
        guard let role else { return true }
        return role == .admin || role == .supervisor
    }
}
