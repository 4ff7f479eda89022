import Foundation

/// What the engine's contact checks (OPTIONS, `qualifySeconds`) know of a contact.
public enum ContactReachability: String, WireEnum {
    /// The extension asks for no checks.
    case unchecked
    /// Checked, but not answered or timed out yet (or registered again since it was unreachable).
    case unknown
    case reachable
    /// Not rung until it answers a check or registers again.
    case unreachable
}

/// One contact of an extension (a registration or the static contact) in `extension.get`.
public struct ContactStatusInfo: Codable, Sendable, Hashable {
    public var contact: String
    /// A registration; false for the static contact.
    public var registered: Bool
    public var reachability: ContactReachability
    /// Round trip of the last answered check, in milliseconds.
    public var rttMs: Int?
    /// When the current reachability began.
    public var since: Date?

    public init(
        contact: String, registered: Bool, reachability: ContactReachability, rttMs: Int? = nil, since: Date? = nil
    ) {
        self.contact = contact
        self.registered = registered
        self.reachability = reachability
        self.rttMs = rttMs
        self.since = since
    }
}
