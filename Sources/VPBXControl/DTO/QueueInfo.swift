/// How a queue picks among its available agents of the best penalty tier (docs/call-center.md).
public enum QueueStrategy: String, WireEnum {
    case ringAll = "ring-all"
    case roundRobin = "round-robin"
    case longestIdle = "longest-idle"
    case fewestCalls = "fewest-calls"
    case leastRecent = "least-recent"
    case random
    case linear
}

/// When a queue counts as empty for its join and leave rules.
public enum QueueEmptyRule: String, WireEnum {
    /// The rule is off.
    case never
    case noAgentsLoggedIn = "no-agents-logged-in"
    case noAgentsUnpaused = "no-agents-unpaused"
}

/// One member of a queue, in the queue's order.
public struct QueueMemberInfo: Codable, Sendable, Hashable {
    public var agent: String
    /// The agent's display name.
    public var name: String
    /// 0 is the best tier.
    public var penalty: Int
    /// 1-based place in the order `linear` and `round-robin` walk.
    public var position: Int

    public init(agent: String, name: String, penalty: Int, position: Int) {
        self.agent = agent
        self.name = name
        self.penalty = penalty
        self.position = position
    }
}

/// A queue's settings and members as the control protocol shows them. Durations are seconds;
/// optional settings are absent when unset.
public struct QueueInfo: Codable, Sendable, Hashable {
    public var name: String
    public var strategy: QueueStrategy
    /// How long one offer rings an agent.
    public var ringTimeout: Int
    /// How long an agent who missed or declined an offer rests.
    public var retryDelay: Int
    /// Longest wait before the overflow destination; absent: forever.
    public var maxWait: Int?
    /// Where callers go on max wait, a full queue or an empty one (`vm:1001`, `queue:sales`).
    public var overflow: String?
    /// Most callers waiting; absent: no limit.
    public var maxLength: Int?
    /// Callers arriving while the queue is empty in this sense are turned away.
    public var joinWhenEmpty: QueueEmptyRule
    /// Waiting callers go to the overflow destination when the queue becomes empty in this sense.
    public var leaveWhenEmpty: QueueEmptyRule
    /// Answered within this many seconds counts toward the service level.
    public var serviceLevel: Int
    /// Hang-ups before this many seconds are short abandons.
    public var shortAbandon: Int
    /// After-call work time.
    public var wrapUp: Int
    /// Position announcement interval; absent: none.
    public var announceEvery: Int?
    /// The key that lets a caller leave for the overflow destination; absent: none.
    public var exitDigit: String?
    /// Pause an agent who lets an offer ring out (else they rest for the retry delay).
    public var pauseOnNoAnswer: Bool
    /// The music-on-hold class; absent: the default class.
    public var music: String?
    /// Whether every call an agent answers from the queue is recorded (absent from engines
    /// before stop 58: no).
    public var recordCalls: Bool?
    public var members: [QueueMemberInfo]

    public init(
        name: String, strategy: QueueStrategy, ringTimeout: Int, retryDelay: Int, maxWait: Int?, overflow: String?,
        maxLength: Int?, joinWhenEmpty: QueueEmptyRule, leaveWhenEmpty: QueueEmptyRule, serviceLevel: Int,
        shortAbandon: Int, wrapUp: Int, announceEvery: Int?, exitDigit: String?, pauseOnNoAnswer: Bool,
        music: String? = nil, recordCalls: Bool = false, members: [QueueMemberInfo]
    ) {
        self.music = music
        self.recordCalls = recordCalls
        self.name = name
        self.strategy = strategy
        self.ringTimeout = ringTimeout
        self.retryDelay = retryDelay
        self.maxWait = maxWait
        self.overflow = overflow
        self.maxLength = maxLength
        self.joinWhenEmpty = joinWhenEmpty
        self.leaveWhenEmpty = leaveWhenEmpty
        self.serviceLevel = serviceLevel
        self.shortAbandon = shortAbandon
        self.wrapUp = wrapUp
        self.announceEvery = announceEvery
        self.exitDigit = exitDigit
        self.pauseOnNoAnswer = pauseOnNoAnswer
        self.members = members
    }
}

/// A call-center agent as the control protocol shows it. Never carries the PIN or its hash.
public struct AgentInfo: Codable, Sendable, Hashable {
    public var number: String
    public var name: String
    /// Whether the agent has a login PIN.
    public var hasPin: Bool
    /// Queues that list the agent, by name.
    public var queues: [String]
    /// The Unix user who is this agent at a console; nil when none.
    public var unixUser: String?

    public init(number: String, name: String, hasPin: Bool, queues: [String], unixUser: String? = nil) {
        self.number = number
        self.name = name
        self.hasPin = hasPin
        self.queues = queues
        self.unixUser = unixUser
    }
}
