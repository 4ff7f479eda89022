import GRDB

/// A call-center queue's settings as stored: one column per setting of the ACD core's
/// `QueueSettings`, enums as their text (`ring-all`, `no-agents-logged-in`). The store does not
/// depend on the ACD core; the engine converts and runs the core's own `validate()` before it
/// stores anything, so the checks here are only the backstop that keeps the table sane.
/// Members live in their own table (``QueueMemberRecord``).
public struct QueueRecord: Codable, Sendable, Equatable, Identifiable {
    public var name: String
    /// Distribution strategy, e.g. `ring-all`, `round-robin`, `linear`.
    public var strategy: String
    public var ringTimeoutSeconds: Int
    public var retryDelaySeconds: Int
    /// nil: callers wait forever.
    public var maxWaitSeconds: Int?
    /// `kind:name` text such as `vm:1001` or `queue:sales`; nil: the PBX default.
    public var overflowDestination: String?
    /// nil: no limit.
    public var maxLength: Int?
    /// `never`, `no-agents-logged-in` or `no-agents-unpaused`.
    public var rejectJoinWhen: String
    /// `never`, `no-agents-logged-in` or `no-agents-unpaused`.
    public var leaveWhen: String
    public var serviceLevelSeconds: Int
    public var shortAbandonSeconds: Int
    public var wrapUpSeconds: Int
    /// nil: no position announcements.
    public var announcementIntervalSeconds: Int?
    /// One of `0-9`, `*`, `#`; nil: none.
    public var exitDigit: String?
    public var pauseOnNoAnswer: Bool
    /// The music-on-hold class; nil: the default.
    public var musicClass: String?
    /// Whether every call an agent answers from this queue is recorded (as an extension's
    /// `recordCalls` does for its own calls).
    public var recordCalls: Bool

    public var id: String { name }

    /// The strategies and empty-queue rules the column may hold (the ACD core's raw values).
    public static let strategies: Set<String> = [
        "ring-all", "round-robin", "longest-idle", "fewest-calls", "least-recent", "random", "linear",
    ]
    public static let emptyRules: Set<String> = ["never", "no-agents-logged-in", "no-agents-unpaused"]

    /// The defaults match the ACD core's `QueueSettings`.
    public init(
        name: String, strategy: String = "ring-all", ringTimeoutSeconds: Int = 20, retryDelaySeconds: Int = 5,
        maxWaitSeconds: Int? = nil, overflowDestination: String? = nil, maxLength: Int? = nil,
        rejectJoinWhen: String = "never", leaveWhen: String = "never", serviceLevelSeconds: Int = 20,
        shortAbandonSeconds: Int = 5, wrapUpSeconds: Int = 0, announcementIntervalSeconds: Int? = nil,
        exitDigit: String? = nil, pauseOnNoAnswer: Bool = false, musicClass: String? = nil, recordCalls: Bool = false
    ) {
        self.musicClass = musicClass
        self.recordCalls = recordCalls
        self.name = name
        self.strategy = strategy
        self.ringTimeoutSeconds = ringTimeoutSeconds
        self.retryDelaySeconds = retryDelaySeconds
        self.maxWaitSeconds = maxWaitSeconds
        self.overflowDestination = overflowDestination
        self.maxLength = maxLength
        self.rejectJoinWhen = rejectJoinWhen
        self.leaveWhen = leaveWhen
        self.serviceLevelSeconds = serviceLevelSeconds
        self.shortAbandonSeconds = shortAbandonSeconds
        self.wrapUpSeconds = wrapUpSeconds
        self.announcementIntervalSeconds = announcementIntervalSeconds
        self.exitDigit = exitDigit
        self.pauseOnNoAnswer = pauseOnNoAnswer
    }

    /// The backstop: name shape, known enum texts, no negative durations, sane text. Throws
    /// ``StoreError`` of kind `invalidArgument`.
    public func validate() throws {
        try Validation.queueName(name)
        let object = "queue \(name)"
        guard Self.strategies.contains(strategy) else {
            throw StoreError.invalid(
                "strategy '\(strategy)' of \(object) is unknown: use one of \(Self.strategies.sorted().joined(separator: ", "))"
            )
        }
        for (rule, field) in [(rejectJoinWhen, "join rule"), (leaveWhen, "leave rule")] {
            guard Self.emptyRules.contains(rule) else {
                throw StoreError.invalid(
                    "\(field) '\(rule)' of \(object) is unknown: use one of \(Self.emptyRules.sorted().joined(separator: ", "))"
                )
            }
        }
        let durations: [(Int?, String)] = [
            (ringTimeoutSeconds, "ring timeout"), (retryDelaySeconds, "retry delay"), (maxWaitSeconds, "max wait"),
            (maxLength, "max length"), (serviceLevelSeconds, "service level"), (shortAbandonSeconds, "short abandon"),
            (wrapUpSeconds, "wrap-up"), (announcementIntervalSeconds, "announcement interval"),
        ]
        for case (let value?, let field) in durations where value < 0 {
            throw StoreError.invalid("\(field) of \(object) must not be negative, got \(value)")
        }
        if let overflowDestination {
            try Validation.text(overflowDestination, field: "overflow destination of \(object)", maxLength: 100)
        }
        if let musicClass { try Validation.name(musicClass, kind: "music class of \(object)") }
        if let exitDigit, exitDigit.count != 1 || !"0123456789*#".contains(exitDigit) {
            throw StoreError.invalid("exit digit of \(object) must be one of 0-9, * or #, got '\(exitDigit)'")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name
        case strategy
        case ringTimeoutSeconds = "ring_timeout_seconds"
        case retryDelaySeconds = "retry_delay_seconds"
        case maxWaitSeconds = "max_wait_seconds"
        case overflowDestination = "overflow_destination"
        case maxLength = "max_length"
        case rejectJoinWhen = "reject_join_when"
        case leaveWhen = "leave_when"
        case serviceLevelSeconds = "service_level_seconds"
        case shortAbandonSeconds = "short_abandon_seconds"
        case wrapUpSeconds = "wrap_up_seconds"
        case announcementIntervalSeconds = "announcement_interval_seconds"
        case exitDigit = "exit_digit"
        case pauseOnNoAnswer = "pause_on_no_answer"
        case musicClass = "music_class"
        case recordCalls = "record_calls"
    }
}

extension QueueRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "queues"
}

/// An agent's place in a queue: the penalty (0 is the best tier) and the position in the
/// queue's member order (0-based, dense), which `linear` and `round-robin` walk.
public struct QueueMemberRecord: Codable, Sendable, Equatable {
    public var queue: String
    public var agent: String
    public var penalty: Int
    /// Set by the repository: the member's index in the queue's order.
    public var position: Int

    public init(queue: String, agent: String, penalty: Int = 0, position: Int = 0) {
        self.queue = queue
        self.agent = agent
        self.penalty = penalty
        self.position = position
    }

    public func validate() throws {
        try Validation.extensionNumber(agent, field: "agent number")
        guard penalty >= 0 else {
            throw StoreError.invalid("penalty of agent \(agent) in queue \(queue) must be 0 or more, got \(penalty)")
        }
    }
}

extension QueueMemberRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "queue_members"

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let queue = Column(CodingKeys.queue)
        public static let agent = Column(CodingKeys.agent)
        public static let position = Column(CodingKeys.position)
    }
}

extension Validation {
    /// A queue name as the ACD core allows it: 1-64 letters, digits, `-`, `_` or `.`.
    static func queueName(_ value: String) throws {
        try name(value, kind: "queue name")
    }

    /// A name administrators type (queues, pickup groups): 1-64 letters, digits, `-`, `_` or `.`.
    static func name(_ value: String, kind: String) throws {
        let bytes = Array(value.utf8)
        let allowed = bytes.allSatisfy {
            (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D
                || $0 == 0x5F || $0 == 0x2E
        }
        guard (1...64).contains(bytes.count), allowed else {
            throw StoreError.invalid("\(kind) '\(value)' is invalid: use 1-64 letters, digits, '-', '_' or '.'")
        }
    }
}
