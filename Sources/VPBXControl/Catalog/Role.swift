/// What a caller may do, decided by the engine from the caller's Unix identity.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Everything, including configuration changes.
    case admin
    /// All call-center operations and reports; configuration read-only.
    case supervisor
    /// Presence of all extensions; transfer, park, pickup.
    case receptionist
    /// Own state and own calls only.
    case agent
    /// Read-only statistics.
    case wallboard

    /// Privilege order, most privileged first: when a user's groups map to several roles,
    /// the most privileged wins.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Set where Element == Role {
    /// Every role.
    public static var everyone: Set<Role> { Set(Role.allCases) }
    /// Roles that may read configuration and live state.
    public static var staff: Set<Role> { [.admin, .supervisor, .receptionist] }
    /// Every role that is a person at a console (not a wallboard screen).
    public static var people: Set<Role> { [.admin, .supervisor, .receptionist, .agent] }
    /// Configuration changes.
    public static var adminOnly: Set<Role> { [.admin] }
}
