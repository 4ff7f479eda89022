/// The console's link to the engine, as the header shows it.
public enum ConnectionState: Sendable, Hashable {
    /// First attempt, nothing shown yet.
    case connecting
    /// Snapshot loaded, events flowing.
    case connected
    /// The engine went away (or never answered); `attempt` counts failed tries, `reason`
    /// is the last error in words.
    case reconnecting(attempt: Int, reason: String)

    /// `connected`, `connecting…`, `reconnecting…`.
    public var label: String {
        switch self {
        case .connecting: return "connecting…"
        case .connected: return "connected"
        case .reconnecting: return "reconnecting…"
        }
    }

    public var isConnected: Bool { self == .connected }
}
