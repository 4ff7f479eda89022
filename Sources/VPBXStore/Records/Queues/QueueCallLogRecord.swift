import Foundation
import GRDB

/// One finished caller of a queue, as the ACD core's `QueueCallRecord` describes it, kept for
/// `vpbx report queue`. Written once, when the caller's story is over (after the agent's
/// wrap-up for an answered call); never changed.
///
/// `lastEventAt` (wrap-up end, else the moment the caller left the queue) is stored so that a
/// report can find every record with an event inside its period, including callers who joined
/// before the period began.
public struct QueueCallLogRecord: Codable, Sendable, Equatable {
    /// Assigned by the repository on insert.
    public var id: Int64?
    public var queue: String
    public var caller: String
    public var priority: Int
    public var joinedAt: Date
    /// `answered`, `abandoned`, `short-abandoned`, `overflowed` or `rejected`.
    public var outcome: String
    /// For `overflowed` and `rejected`: `max-wait`, `queue-empty`, `queue-full`, ...
    public var exitReason: String?
    public var leftQueueAt: Date
    public var agent: String?
    public var endedAt: Date?
    public var completedAt: Date?
    public var waitSeconds: Double
    public var talkSeconds: Double
    public var wrapUpSeconds: Double
    /// The record's last event: `completedAt`, else `leftQueueAt`.
    public private(set) var lastEventAt: Date

    /// The outcomes the column may hold (the ACD core's raw values).
    public static let outcomes: Set<String> = ["answered", "abandoned", "short-abandoned", "overflowed", "rejected"]

    public init(
        id: Int64? = nil, queue: String, caller: String, priority: Int = 0, joinedAt: Date, outcome: String,
        exitReason: String? = nil, leftQueueAt: Date, agent: String? = nil, endedAt: Date? = nil,
        completedAt: Date? = nil, waitSeconds: Double, talkSeconds: Double = 0, wrapUpSeconds: Double = 0
    ) {
        self.id = id
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
        self.lastEventAt = max(completedAt ?? leftQueueAt, leftQueueAt, joinedAt)
    }

    public func validate() throws {
        try Validation.queueName(queue)
        guard Self.outcomes.contains(outcome) else {
            throw StoreError.invalid(
                "outcome '\(outcome)' of a queue call is unknown: use one of \(Self.outcomes.sorted().joined(separator: ", "))"
            )
        }
        try Validation.text(caller, field: "caller of a queue call", maxLength: 200, allowEmpty: true)
        guard leftQueueAt >= joinedAt else {
            throw StoreError.invalid("a queue call cannot leave the queue before it joined")
        }
        guard waitSeconds >= 0, talkSeconds >= 0, wrapUpSeconds >= 0 else {
            throw StoreError.invalid("durations of a queue call must not be negative")
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case queue
        case caller
        case priority
        case joinedAt = "joined_at"
        case outcome
        case exitReason = "exit_reason"
        case leftQueueAt = "left_queue_at"
        case agent
        case endedAt = "ended_at"
        case completedAt = "completed_at"
        case waitSeconds = "wait_seconds"
        case talkSeconds = "talk_seconds"
        case wrapUpSeconds = "wrap_up_seconds"
        case lastEventAt = "last_event_at"
    }
}

extension QueueCallLogRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "queue_calls"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let queue = Column(CodingKeys.queue)
        public static let joinedAt = Column(CodingKeys.joinedAt)
        public static let lastEventAt = Column(CodingKeys.lastEventAt)
        public static let id = Column(CodingKeys.id)
    }
}
