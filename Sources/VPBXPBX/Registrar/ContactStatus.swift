import Foundation

/// One contact of an extension and what the engine's checks know of it.
public struct ContactStatus: Sendable, Equatable {
    public enum Reachability: String, Sendable {
        /// The extension asks for no checks.
        case unchecked
        /// Checked, but no answer or timeout yet (or registered again after one).
        case unknown
        case reachable
        /// Not rung until it answers a check or registers again.
        case unreachable
    }

    public var contact: String
    /// A registration; false for the static contact.
    public var registered: Bool
    public var reachability: Reachability
    public var roundTripMilliseconds: Int?
    /// When the current reachability began.
    public var since: Date?

    public init(
        contact: String, registered: Bool, reachability: Reachability, roundTripMilliseconds: Int? = nil,
        since: Date? = nil
    ) {
        self.contact = contact
        self.registered = registered
        self.reachability = reachability
        self.roundTripMilliseconds = roundTripMilliseconds
        self.since = since
    }
}
