import Foundation

/// What a queue tells the application holding one waiting caller.
public enum QueueInstruction: Sendable, Equatable {
    /// Ring these extensions for the caller (several at once for ring-all) and report the
    /// result with ``QueueService/offerSettled(caller:offer:result:)``. The caller keeps hearing
    /// the music meanwhile.
    case ring(offer: Int, extensions: [String], timeoutSeconds: Int)
    /// Leave the queue for `destination` (overflow, a full or empty queue, the exit key); nil:
    /// the caller hears the busy tone and is hung up.
    case leave(destination: Destination?, reason: String)
}

/// Where the caller stands, for the periodic announcement.
public struct QueuePosition: Sendable, Equatable {
    /// 1 for the next caller to be served.
    public var position: Int
    /// A rough expectation from the queue's average speed of answer; nil when unknown.
    public var expectedWaitSeconds: Int?

    public init(position: Int, expectedWaitSeconds: Int?) {
        self.position = position
        self.expectedWaitSeconds = expectedWaitSeconds
    }
}

/// One caller joining a queue, as the queue application knows them.
public struct QueueCaller: Sendable, Equatable {
    /// The core's call id (the `X-VPBX-Call` header): the queue follows the call after the
    /// agent answered, until it ends.
    public var callID: String
    /// The application leg's SIP Call-ID, for cancelling a ringing offer.
    public var applicationCallID: String
    public var number: String
    public var name: String?

    public init(callID: String, applicationCallID: String, number: String, name: String?) {
        self.callID = callID
        self.applicationCallID = applicationCallID
        self.number = number
        self.name = name
    }
}

/// The queue settings the application needs while the caller waits.
public struct QueueJoin: Sendable {
    public var instructions: AsyncStream<QueueInstruction>
    /// Seconds between position announcements; nil: none.
    public var announcementIntervalSeconds: Int?
    /// The key that takes the caller out of the queue; nil: none.
    public var exitDigit: Character?
    /// The music-on-hold class to play; nil: the default.
    public var musicClass: String?

    public init(
        instructions: AsyncStream<QueueInstruction>, announcementIntervalSeconds: Int?, exitDigit: Character?,
        musicClass: String? = nil
    ) {
        self.musicClass = musicClass
        self.instructions = instructions
        self.announcementIntervalSeconds = announcementIntervalSeconds
        self.exitDigit = exitDigit
    }
}

/// The ACD as the queue application sees it (the engine's `QueueCenter`).
public protocol QueueService: Sendable {
    /// Puts the caller in `queue`. Nil when there is no such queue.
    func join(queue: String, caller: QueueCaller) async -> QueueJoin?
    /// How a `ring` instruction ended: answered (by which extension), failed, or the call
    /// ended; nil when the core could not ring anything.
    func offerSettled(caller callID: String, offer: Int, result: HandOnResult?) async
    /// The caller hung up while waiting.
    func callerLeft(_ callID: String) async
    /// The caller pressed the queue's exit key.
    func exitKeyPressed(_ callID: String) async
    /// The caller's place in the queue now.
    func position(of callID: String) async -> QueuePosition?
}

/// A queue call as the agent it is offered to sees it (the console's screen pop).
public struct AgentQueueCall: Sendable, Equatable {
    public var callID: String
    public var queue: String
    public var number: String
    public var name: String?
    public var joinedAt: Date
    /// When the agent answered; nil while ringing.
    public var answeredAt: Date?
    /// When the call ended; set during the agent's wrap-up.
    public var endedAt: Date?
}
