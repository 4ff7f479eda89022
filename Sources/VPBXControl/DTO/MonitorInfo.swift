import Foundation

/// What a supervisor on a call does: who hears the supervisor.
public enum MonitorModeName: String, WireEnum {
    /// Nobody hears the supervisor.
    case listen
    /// The agent hears the supervisor; the caller does not.
    case whisper
    /// Both parties hear the supervisor.
    case barge
}

/// A supervisor on a call.
public struct MonitorInfo: Codable, Sendable, Hashable {
    /// The monitoring leg's id (for `monitor.mode` and `monitor.stop`).
    public var id: String
    /// The supervisor's extension.
    public var supervisor: String
    /// The extension listened to.
    public var `extension`: String
    /// The monitored call (`call.list`).
    public var call: String
    public var mode: MonitorModeName
    /// `ringing` (the engine rings the supervisor's phone) or `active`.
    public var state: String
    public var startedAt: Date

    public init(
        id: String, supervisor: String, extension: String, call: String, mode: MonitorModeName, state: String = "active",
        startedAt: Date
    ) {
        self.state = state
        self.id = id
        self.supervisor = supervisor
        self.extension = `extension`
        self.call = call
        self.mode = mode
        self.startedAt = startedAt
    }
}
