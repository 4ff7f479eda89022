import Foundation

/// An agent as the call center sees them now (`agent.status`, the console's agent lists).
public struct AgentStatusInfo: Codable, Sendable, Hashable {
    public var number: String
    public var name: String
    /// `logged-out`, `available`, `ringing`, `on-call`, `wrap-up`, `paused`, `other-call`.
    public var state: String
    /// The pause reason while paused.
    public var reason: String?
    /// Where the agent is logged in; nil when logged out.
    public var extensionNumber: String?
    /// The queues the agent takes calls from now; for a logged-out agent, the queues that list
    /// them as a member.
    public var queues: [String]
    public var stateSince: Date
    public var secondsInState: Int
    /// Since the statistics period began (local midnight).
    public var callsHandled: Int
    /// Hold included.
    public var talkSeconds: Int
    /// Of `talkSeconds`, on hold (nil from engines that do not count it).
    public var holdSeconds: Int?
    public var wrapUpSeconds: Int
    public var missedOffers: Int
    /// Pauses by reason: how many, and seconds in all.
    public var pauses: [String: PauseCount]
    /// Every queue that lists the agent as a member, logged in to or not (`queues` says
    /// which ones they take calls from now). Absent from older engines.
    public var memberQueues: [String]?
    /// When the wrap-up ends, while in `wrap-up`.
    public var wrapUpUntil: Date?
    /// The queue call ringing, in progress or being wrapped up: the agent's screen pop.
    public var call: AgentCallInfo?

    public struct PauseCount: Codable, Sendable, Hashable {
        public var count: Int
        public var seconds: Int
        public init(count: Int, seconds: Int) {
            self.count = count
            self.seconds = seconds
        }
    }

    public init(
        number: String, name: String, state: String, reason: String? = nil, extensionNumber: String? = nil,
        queues: [String] = [], stateSince: Date, secondsInState: Int, callsHandled: Int = 0, talkSeconds: Int = 0,
        holdSeconds: Int? = nil, wrapUpSeconds: Int = 0, missedOffers: Int = 0, pauses: [String: PauseCount] = [:],
        memberQueues: [String]? = nil, wrapUpUntil: Date? = nil, call: AgentCallInfo? = nil
    ) {
        self.holdSeconds = holdSeconds
        self.number = number
        self.name = name
        self.state = state
        self.reason = reason
        self.extensionNumber = extensionNumber
        self.queues = queues
        self.stateSince = stateSince
        self.secondsInState = secondsInState
        self.callsHandled = callsHandled
        self.talkSeconds = talkSeconds
        self.wrapUpSeconds = wrapUpSeconds
        self.missedOffers = missedOffers
        self.pauses = pauses
        self.memberQueues = memberQueues
        self.wrapUpUntil = wrapUpUntil
        self.call = call
    }
}

/// A queue call as its agent sees it: who calls, from which queue, how long they waited
/// and since when the agent talks to them.
public struct AgentCallInfo: Codable, Sendable, Hashable {
    /// The core's call id (`call.list`).
    public var callID: String
    public var queue: String
    /// The caller's number and display name as they arrived.
    public var caller: String
    public var callerName: String?
    /// When the caller joined the queue.
    public var joinedAt: Date
    /// When the agent answered; nil while it rings.
    public var answeredAt: Date?
    /// When the call ended; set during the wrap-up after it.
    public var endedAt: Date?

    public init(
        callID: String, queue: String, caller: String, callerName: String? = nil, joinedAt: Date,
        answeredAt: Date? = nil, endedAt: Date? = nil
    ) {
        self.callID = callID
        self.queue = queue
        self.caller = caller
        self.callerName = callerName
        self.joinedAt = joinedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
    }
}

/// Accumulated figures of a queue over a period.
public struct QueuePeriodInfo: Codable, Sendable, Hashable {
    public var since: Date
    public var offered: Int
    public var answered: Int
    public var abandoned: Int
    /// Hung up before the short-abandon threshold: counted apart, not in the service level.
    public var shortAbandoned: Int
    public var overflowed: Int
    public var rejected: Int
    /// Percent answered within the service-level threshold; nil before any call counted.
    public var serviceLevelPercent: Double?
    public var averageSpeedOfAnswerSeconds: Double?
    public var averageHandleTimeSeconds: Double?
    public var longestWaitSeconds: Double

    public init(
        since: Date, offered: Int, answered: Int, abandoned: Int, shortAbandoned: Int, overflowed: Int, rejected: Int,
        serviceLevelPercent: Double?, averageSpeedOfAnswerSeconds: Double?, averageHandleTimeSeconds: Double?,
        longestWaitSeconds: Double
    ) {
        self.since = since
        self.offered = offered
        self.answered = answered
        self.abandoned = abandoned
        self.shortAbandoned = shortAbandoned
        self.overflowed = overflowed
        self.rejected = rejected
        self.serviceLevelPercent = serviceLevelPercent
        self.averageSpeedOfAnswerSeconds = averageSpeedOfAnswerSeconds
        self.averageHandleTimeSeconds = averageHandleTimeSeconds
        self.longestWaitSeconds = longestWaitSeconds
    }
}

/// A caller waiting in a queue.
public struct WaitingCallerInfo: Codable, Sendable, Hashable {
    /// The core's call id (`call.list`).
    public var callID: String
    public var priority: Int
    public var joinedAt: Date
    public var waitedSeconds: Int
    /// Agents being rung for this caller now.
    public var offeredTo: [String]

    public init(callID: String, priority: Int, joinedAt: Date, waitedSeconds: Int, offeredTo: [String]) {
        self.callID = callID
        self.priority = priority
        self.joinedAt = joinedAt
        self.waitedSeconds = waitedSeconds
        self.offeredTo = offeredTo
    }
}

/// A queue's figures now (`queue.stats`, the wallboard).
public struct QueueStatsInfo: Codable, Sendable, Hashable {
    public var queue: String
    public var callsWaiting: Int
    public var longestCurrentWaitSeconds: Int
    public var agentsLoggedIn: Int
    public var agentsAvailable: Int
    public var agentsRinging: Int
    public var agentsOnCall: Int
    public var agentsInWrapUp: Int
    public var agentsPaused: Int
    public var agentsOnOtherCall: Int
    /// Since local midnight (Europe/Budapest) or the engine's start.
    public var today: QueuePeriodInfo
    /// The rolling window (the last 15 minutes).
    public var window: QueuePeriodInfo
    public var waiting: [WaitingCallerInfo]

    public init(
        queue: String, callsWaiting: Int, longestCurrentWaitSeconds: Int, agentsLoggedIn: Int, agentsAvailable: Int,
        agentsRinging: Int, agentsOnCall: Int, agentsInWrapUp: Int, agentsPaused: Int, agentsOnOtherCall: Int,
        today: QueuePeriodInfo, window: QueuePeriodInfo, waiting: [WaitingCallerInfo]
    ) {
        self.queue = queue
        self.callsWaiting = callsWaiting
        self.longestCurrentWaitSeconds = longestCurrentWaitSeconds
        self.agentsLoggedIn = agentsLoggedIn
        self.agentsAvailable = agentsAvailable
        self.agentsRinging = agentsRinging
        self.agentsOnCall = agentsOnCall
        self.agentsInWrapUp = agentsInWrapUp
        self.agentsPaused = agentsPaused
        self.agentsOnOtherCall = agentsOnOtherCall
        self.today = today
        self.window = window
        self.waiting = waiting
    }
}
