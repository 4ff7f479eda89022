/// Params of `queue.create` and `queue.update`. On create absent fields take the defaults; on
/// update they are kept. 0 unsets `maxWait`, `maxLength` and `announceEvery`; "" unsets
/// `overflow` and `exitDigit`.
public struct QueueParams: Codable, Sendable, Hashable {
    public var name: String
    /// Default `ring-all`.
    public var strategy: QueueStrategy?
    /// Seconds, 1 to 600 (default 20).
    public var ringTimeout: Int?
    /// Seconds, 0 to 3600 (default 5).
    public var retryDelay: Int?
    /// Seconds; 0: wait forever (the default).
    public var maxWait: Int?
    /// A destination such as `vm:1001` or `queue:other`; "": the PBX default (busy).
    public var overflow: String?
    /// Callers; 0: no limit (the default).
    public var maxLength: Int?
    /// Default `never`.
    public var joinWhenEmpty: QueueEmptyRule?
    /// Default `never`.
    public var leaveWhenEmpty: QueueEmptyRule?
    /// Seconds, at least 1 (default 20).
    public var serviceLevel: Int?
    /// Seconds, 0 or more (default 5).
    public var shortAbandon: Int?
    /// Seconds, 0 to 3600 (default 0).
    public var wrapUp: Int?
    /// Seconds, at least 10; 0: no announcements (the default).
    public var announceEvery: Int?
    /// One of 0-9, * or #; "": none (the default).
    public var exitDigit: String?
    /// Default false.
    public var pauseOnNoAnswer: Bool?
    /// The music-on-hold class callers hear (`moh.list`); "" or `default`: the default class.
    public var music: String?
    /// Record every call an agent answers from the queue.
    public var recordCalls: Bool?

    public init(
        name: String, strategy: QueueStrategy? = nil, ringTimeout: Int? = nil, retryDelay: Int? = nil,
        maxWait: Int? = nil, overflow: String? = nil, maxLength: Int? = nil, joinWhenEmpty: QueueEmptyRule? = nil,
        leaveWhenEmpty: QueueEmptyRule? = nil, serviceLevel: Int? = nil, shortAbandon: Int? = nil, wrapUp: Int? = nil,
        announceEvery: Int? = nil, exitDigit: String? = nil, pauseOnNoAnswer: Bool? = nil, music: String? = nil,
        recordCalls: Bool? = nil
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
    }
}

/// Params naming one queue.
public struct QueueRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `queue.create`.
public enum QueueCreate: RPCMethod {
    public static let name = "queue.create"
    public static let summary =
        "Create a call-center queue: strategy, timeouts, overflow, empty-queue rules, service level."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = QueueParams
    public typealias Result = QueueInfo
}

/// `queue.update`.
public enum QueueUpdate: RPCMethod {
    public static let name = "queue.update"
    public static let summary = "Change settings of a queue; absent fields are kept, 0 or \"\" unsets optional ones."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = QueueParams
    public typealias Result = QueueInfo
}

/// `queue.list`.
public enum QueueList: RPCMethod {
    public static let name = "queue.list"
    public static let summary = "All queues with their settings and members."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [QueueInfo]
}

/// `queue.get`.
public enum QueueGet: RPCMethod {
    public static let name = "queue.get"
    public static let summary = "One queue: settings and members in order."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = QueueRef
    public typealias Result = QueueInfo
}

/// `queue.delete`: returns the queue as it was.
public enum QueueDelete: RPCMethod {
    public static let name = "queue.delete"
    public static let summary = "Delete a queue nothing routes or overflows to; its memberships go with it."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = QueueRef
    public typealias Result = QueueInfo
}

/// `queue.memberAdd`: adds an agent, or changes a member's penalty and place.
public enum QueueMemberAdd: RPCMethod {
    public static let name = "queue.memberAdd"
    public static let summary =
        "Add an agent to a queue with a penalty at a position (default last); for a member, change penalty or place."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = QueueInfo

    public struct Params: Codable, Sendable, Hashable {
        public var queue: String
        public var agent: String
        /// 0 is the best tier; default 0 for a new member, unchanged for a member.
        public var penalty: Int?
        /// 1-based place in the member order; default last for a new member, unchanged for a member.
        public var position: Int?

        public init(queue: String, agent: String, penalty: Int? = nil, position: Int? = nil) {
            self.queue = queue
            self.agent = agent
            self.penalty = penalty
            self.position = position
        }
    }
}

/// `queue.memberRemove`.
public enum QueueMemberRemove: RPCMethod {
    public static let name = "queue.memberRemove"
    public static let summary = "Remove an agent from a queue; later members move up."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = QueueInfo

    public struct Params: Codable, Sendable, Hashable {
        public var queue: String
        public var agent: String

        public init(queue: String, agent: String) {
            self.queue = queue
            self.agent = agent
        }
    }
}
