/// How an application left the call.
public enum ApplicationOutcome: Sendable, Equatable {
    /// Hang up; `step` goes into the call's path (`play:closed`, `ivr:main=timeout`).
    case hangup(step: String)
    /// Send the caller on to another destination (a menu key, a timeout destination).
    case route(Destination, step: String)
    /// The caller hung up first.
    case callerLeft
}
