/// How an application left the call.
public enum ApplicationOutcome: Sendable, Equatable {
    /// Hang up; `step` goes into the call's path (`play:closed`, `ivr:main=timeout`).
    case hangup(step: String)
    /// The caller was handed on to another destination, which answered (the core sends the
    /// application's leg a BYE), or the call ended while it rang.
    case handedOn
    /// The caller hung up first.
    case callerLeft
}
