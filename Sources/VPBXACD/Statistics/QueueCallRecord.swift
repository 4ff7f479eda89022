import Foundation

/// Why a caller left a queue without an agent, other than hanging up.
public enum QueueExitReason: String, Sendable, Equatable, Codable {
    /// Waited the queue's maximum wait.
    case maxWait = "max-wait"
    /// The queue was empty (join rule on arrival, leave rule while waiting).
    case queueEmpty = "queue-empty"
    /// The queue already held its maximum length.
    case queueFull = "queue-full"
    /// The caller pressed the queue's exit digit.
    case exitDigit = "exit-digit"
    /// An administrator removed the queue while the caller waited.
    case queueRemoved = "queue-removed"
    /// A supervisor or receptionist picked the waiting caller up to an extension.
    case pickedUp = "picked-up"
    /// A supervisor moved the waiting caller to another destination (another queue).
    case moved
}

/// One caller's story in one queue, written when it is over (after the agent's wrap-up for an
/// answered call). The engine stores these; `QueueReport` recomputes the statistics from them.
public struct QueueCallRecord: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Equatable, Codable {
        case answered
        case abandoned
        /// Hung up before the queue's short-abandon threshold.
        case shortAbandoned = "short-abandoned"
        /// Sent to the overflow destination after joining (max wait, leave-when-empty, exit
        /// digit, queue removed; see `exitReason`).
        case overflowed
        /// Turned away on arrival (full or join-when-empty); never offered.
        case rejected
    }

    public var queue: String
    public var caller: String
    public var priority: Int
    public var joinedAt: Date
    public var outcome: Outcome
    /// For `overflowed` and `rejected`.
    public var exitReason: QueueExitReason?
    /// When the caller stopped waiting: answered, hung up, overflowed or was rejected.
    public var leftQueueAt: Date
    public var agent: String?
    /// Talk end, for answered calls.
    public var endedAt: Date?
    /// Wrap-up end (equal to `endedAt` without wrap-up), for answered calls.
    public var completedAt: Date?
    public var waitSeconds: TimeInterval
    public var talkSeconds: TimeInterval
    public var wrapUpSeconds: TimeInterval

    public init(
        queue: String, caller: String, priority: Int, joinedAt: Date, outcome: Outcome,
        exitReason: QueueExitReason? = nil, leftQueueAt: Date, agent: String? = nil, endedAt: Date? = nil,
        completedAt: Date? = nil, waitSeconds: TimeInterval, talkSeconds: TimeInterval = 0,
        wrapUpSeconds: TimeInterval = 0
    ) {
        self.queue = queue
        self.caller = caller
        self.priority = priority
        self.joinedAt = joinedAt
        self.outcome = outcome
        self.exitReason = exitReason
        self.leftQueueAt = leftQueueAt
        self.agent = agent
        self.endedAt = endedAt
        self.completedAt = completedAt
        self.waitSeconds = waitSeconds
        self.talkSeconds = talkSeconds
        self.wrapUpSeconds = wrapUpSeconds
    }

    /// When an agent answered, for answered calls.
    public var answeredAt: Date? { outcome == .answered ? leftQueueAt : nil }
    /// When the caller hung up while waiting, for (short) abandons.
    public var abandonedAt: Date? { outcome == .abandoned || outcome == .shortAbandoned ? leftQueueAt : nil }
    /// When the caller was sent to the overflow destination, for overflowed calls.
    public var overflowedAt: Date? { outcome == .overflowed ? leftQueueAt : nil }

    /// The countable events of this call, each at the instant the distributor counted it live.
    public var events: [(at: Date, event: QueueEvent)] {
        switch outcome {
        case .rejected:
            return [(joinedAt, .rejected)]
        case .answered:
            var list: [(at: Date, event: QueueEvent)] = [
                (joinedAt, .joined), (leftQueueAt, .answered(wait: waitSeconds)),
            ]
            if let completedAt {
                list.append((completedAt, .completed(talk: talkSeconds, wrapUp: wrapUpSeconds)))
            }
            return list
        case .abandoned, .shortAbandoned:
            return [
                (joinedAt, .joined), (leftQueueAt, .abandoned(wait: waitSeconds, short: outcome == .shortAbandoned)),
            ]
        case .overflowed:
            return [(joinedAt, .joined), (leftQueueAt, .overflowed(wait: waitSeconds))]
        }
    }
}
