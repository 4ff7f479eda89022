/// What a receptionist needs to know about an extension at a glance.
public enum Presence: String, Sendable, Hashable, CaseIterable {
    /// In a call (answered, on hold, or placing one).
    case busy
    /// Being called, not in another call.
    case ringing
    /// Reachable and idle.
    case free
    /// Disabled, or no registered phone and no static contact.
    case offline

    /// The label the overview shows.
    public var label: String { rawValue }
}
