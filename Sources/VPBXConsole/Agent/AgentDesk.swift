import Foundation
import VPBXControl

/// What the agent screen remembers beyond the engine's current state: the queue calls this
/// console saw its agent take, newest first, bounded. Fed the agent's current queue call
/// (`AgentStatusInfo.call`) each time fresh agent figures arrive; pure, so tests feed it.
public struct AgentDesk: Sendable, Equatable {
    /// A finished (or missed) queue call, as the recent-calls list shows it.
    public struct RecentCall: Sendable, Equatable {
        public var callID: String
        public var queue: String
        public var caller: String
        public var callerName: String?
        /// From joining the queue to the answer (or, for a call not answered here, to when
        /// this console last saw it ring).
        public var waitedSeconds: Int
        /// nil: not answered at this agent's phone (missed, or answered by another agent).
        public var talkedSeconds: Int?
    }

    /// How many recent calls are kept.
    public static let capacity = 10

    /// Newest first, at most `capacity`.
    public private(set) var recent: [RecentCall] = []
    /// The call seen last, to notice when it ends or goes.
    private var current: AgentCallInfo?

    public init() {}

    /// Takes the agent's current queue call (nil: none); returns whether `recent` changed.
    /// A call is recorded once: when it is seen ended (wrap-up), or when it goes away or is
    /// replaced without having been seen ended (no wrap-up, a missed offer).
    @discardableResult
    public mutating func observe(_ call: AgentCallInfo?, now: Date) -> Bool {
        let previous = current
        current = call
        var changed = false
        if let previous, previous.callID != call?.callID {
            changed = record(previous, now: now)
        }
        if let call, call.endedAt != nil {
            changed = record(call, now: now) || changed
        }
        return changed
    }

    private mutating func record(_ call: AgentCallInfo, now: Date) -> Bool {
        guard !recent.contains(where: { $0.callID == call.callID }) else { return false }
        let entry = RecentCall(
            callID: call.callID, queue: call.queue, caller: call.caller, callerName: call.callerName,
            waitedSeconds: Self.waitedSeconds(call, now: now), talkedSeconds: Self.talkSeconds(call, now: now))
        recent.insert(entry, at: 0)
        if recent.count > Self.capacity { recent.removeLast(recent.count - Self.capacity) }
        return true
    }

    // MARK: - Arithmetic the screen shows

    /// How long the caller waited: until the answer, else until `now` (still ringing).
    public static func waitedSeconds(_ call: AgentCallInfo, now: Date) -> Int {
        max(0, Int((call.answeredAt ?? now).timeIntervalSince(call.joinedAt)))
    }

    /// Talk time: from the answer to the end, or to `now` while talking; nil before an answer.
    public static func talkSeconds(_ call: AgentCallInfo, now: Date) -> Int? {
        call.answeredAt.map { max(0, Int((call.endedAt ?? now).timeIntervalSince($0))) }
    }

    /// Whole seconds of wrap-up left at `now`, rounded up so the countdown shows 1 until the
    /// very end and 0 only when it is over.
    public static func wrapUpSecondsLeft(until: Date, now: Date) -> Int {
        max(0, Int(until.timeIntervalSince(now).rounded(.up)))
    }
}
