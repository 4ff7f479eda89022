/// `monitor.list`: supervisors listening to, whispering to or barging into calls now.
public enum MonitorList: RPCMethod {
    public static let name = "monitor.list"
    public static let summary = "Supervisors on calls now (listen, whisper, barge), oldest first."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = [MonitorInfo]
    public typealias Params = NoParams
}

/// `monitor.start`: the engine rings the supervisor's phone; once it answers, it is attached
/// to the call of `extension` (like dialling `*222` and the number from that phone).
public enum MonitorStart: RPCMethod {
    public static let name = "monitor.start"
    public static let summary = "Ring a supervisor's phone and attach it to an extension's call (listen, whisper or barge)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = MonitorInfo

    public struct Params: Codable, Sendable, Hashable {
        /// The supervisor's extension (rung).
        public var supervisor: String
        /// The extension whose call to join.
        public var `extension`: String
        /// Default `listen`.
        public var mode: MonitorModeName?
        public init(supervisor: String, extension: String, mode: MonitorModeName? = nil) {
            self.supervisor = supervisor
            self.extension = `extension`
            self.mode = mode
        }
    }
}

/// `monitor.mode`: switch a supervisor between listen, whisper and barge (the supervisor's
/// phone can do the same with keys 4, 5 and 6).
public enum MonitorSetMode: RPCMethod {
    public static let name = "monitor.mode"
    public static let summary = "Switch a supervisor on a call to listen, whisper or barge."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = MonitorInfo

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public var mode: MonitorModeName
        public init(id: String, mode: MonitorModeName) {
            self.id = id
            self.mode = mode
        }
    }
}

/// `monitor.stop`: hang up a supervisor's monitoring leg; the monitored call goes on.
public enum MonitorStop: RPCMethod {
    public static let name = "monitor.stop"
    public static let summary = "End a supervisor's listening leg (the call itself goes on)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public init(id: String) { self.id = id }
    }
}
