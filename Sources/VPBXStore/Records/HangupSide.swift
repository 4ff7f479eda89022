import GRDB

/// Who ended a call.
public enum HangupSide: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case caller
    case callee
    /// The engine itself (timeouts, shutdown, crash recovery).
    case system
}
