import Foundation

/// Something the PBX must do because of a distributor decision. The distributor has already
/// updated its own state; the engine carries the action out and reports what happens next
/// (answer, decline, hang-up) as new inputs.
public enum ACDAction: Sendable, Equatable {
    /// Ring `agents` (several for ring-all) with `caller` from `queue`, until `until`; the
    /// distributor times the offer out itself on `tick`.
    case offer(caller: String, queue: String, agents: [String], until: Date)
    /// Stop ringing `agents` for `caller` (someone else answered, the caller left, the agent
    /// paused or logged out, the offer was overtaken by max wait).
    case cancelOffer(caller: String, agents: [String])
    /// Connect `caller` to `agent`, whose phone answered.
    case bridge(caller: String, agent: String)
    /// Send a waiting caller out of `queue` to `destination` (nil: the PBX default).
    case overflow(caller: String, queue: String, destination: String?, reason: QueueExitReason)
    /// Turn a caller away on arrival; route them to `destination` (nil: the PBX default).
    case reject(caller: String, queue: String, destination: String?, reason: QueueExitReason)
}

/// What one input produced: actions in the order to carry them out, finished call records to
/// store, and when the engine should call `tick(now:)` next (nil: no timer needed). Each
/// output's deadline replaces the previous one, since it reflects the whole state.
public struct ACDOutput: Sendable, Equatable {
    public var actions: [ACDAction]
    public var records: [QueueCallRecord]
    public var nextDeadline: Date?

    public init(actions: [ACDAction] = [], records: [QueueCallRecord] = [], nextDeadline: Date? = nil) {
        self.actions = actions
        self.records = records
        self.nextDeadline = nextDeadline
    }
}
