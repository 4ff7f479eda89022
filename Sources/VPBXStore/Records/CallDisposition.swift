import GRDB

/// How a call ended, as stored in its CDR row.
public enum CallDisposition: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// The call is still running (or the engine stopped before it finished; see
    /// ``CDRRepository/recoverUnfinished(now:)``).
    case inProgress = "in_progress"
    /// The callee answered.
    case answered
    /// The callee was busy.
    case busy
    /// Nobody answered before the timeout.
    case noAnswer = "no_answer"
    /// The call could not be completed (routing, network or engine failure).
    case failed
    /// The caller hung up before anyone answered.
    case cancelled
}
