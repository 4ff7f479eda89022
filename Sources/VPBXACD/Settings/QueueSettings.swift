import Foundation

/// Everything an administrator configures on one ACD queue. Durations are whole seconds, the
/// unit the CLI and the store use; `validate()` checks ranges before the distributor accepts
/// the settings.
///
/// Destinations (`overflowDestination`) stay opaque strings such as `vm:1001` or `queue:sales`:
/// the PBX layer parses and routes them, so this pure target does not depend on its model.
public struct QueueSettings: Sendable, Equatable, Codable {
    /// Queue name as dialled in destinations (`queue:<name>`).
    public var name: String
    public var strategy: DistributionStrategy
    /// Members in the order `linear` and `roundRobin` walk them.
    public var members: [QueueMember]
    /// How long one offer rings before it counts as unanswered.
    public var ringTimeoutSeconds: Int
    /// How long an agent who missed or declined an offer rests before the next offer (when not
    /// paused for it).
    public var retryDelaySeconds: Int
    /// Longest time a caller waits before going to `overflowDestination`; nil waits forever.
    public var maxWaitSeconds: Int?
    /// Where callers go on max wait, on a full queue and on the empty rules; nil lets the PBX
    /// apply its default (a busy tone and hang-up).
    public var overflowDestination: String?
    /// Most callers waiting (including those being offered); nil is unlimited.
    public var maxLength: Int?
    /// A caller arriving while the queue is empty in this sense is rejected.
    public var rejectJoinWhen: EmptyQueueCondition
    /// Waiting callers are sent to the overflow destination when the queue becomes empty in
    /// this sense.
    public var leaveWhen: EmptyQueueCondition
    /// A call answered after waiting at most this long counts as within the service level.
    public var serviceLevelSeconds: Int
    /// A caller who hangs up before waiting this long is a short abandon (a misdial, not a lost
    /// customer): counted apart and left out of the service level.
    public var shortAbandonSeconds: Int
    /// After-call work time before the agent is offered the next call; 0 for none.
    public var wrapUpSeconds: Int
    /// How often the PBX announces position / wait time; nil for never. Not used by the
    /// distributor itself.
    public var announcementIntervalSeconds: Int?
    /// The music-on-hold class callers hear; nil: the default. Not used by the distributor.
    public var musicClass: String?
    /// A DTMF key that lets the caller leave the queue for the overflow destination. Handled by
    /// the PBX; kept here so all queue settings live in one place.
    public var exitDigit: String?
    /// True: an agent who lets an offer ring out is paused with reason `no-answer`.
    /// False: the agent rests for the retry delay, then is offered calls again.
    public var pauseOnNoAnswer: Bool

    /// The pause reason given to an agent who lets an offer ring out in a `pauseOnNoAnswer` queue.
    public static let noAnswerPauseReason = "no-answer"

    public init(
        name: String,
        strategy: DistributionStrategy = .ringAll,
        members: [QueueMember] = [],
        ringTimeoutSeconds: Int = 20,
        retryDelaySeconds: Int = 5,
        maxWaitSeconds: Int? = nil,
        overflowDestination: String? = nil,
        maxLength: Int? = nil,
        rejectJoinWhen: EmptyQueueCondition = .never,
        leaveWhen: EmptyQueueCondition = .never,
        serviceLevelSeconds: Int = 20,
        shortAbandonSeconds: Int = 5,
        wrapUpSeconds: Int = 0,
        announcementIntervalSeconds: Int? = nil,
        musicClass: String? = nil,
        exitDigit: String? = nil,
        pauseOnNoAnswer: Bool = false
    ) {
        self.name = name
        self.strategy = strategy
        self.members = members
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
        self.musicClass = musicClass
        self.exitDigit = exitDigit
        self.pauseOnNoAnswer = pauseOnNoAnswer
    }

    /// The member entry of `agent`, if any.
    public func member(_ agent: String) -> QueueMember? {
        members.first { $0.agent == agent }
    }
}
