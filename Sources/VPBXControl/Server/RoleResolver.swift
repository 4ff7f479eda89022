#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Maps a peer's uid/gid to a role: root and the engine's own user are admins; members
/// of configured Unix groups get those groups' roles (the most privileged one when
/// several apply); anyone else gets no role and every call answers `forbidden`.
public struct RoleResolver: Sendable {
    public var engineUID: UInt32
    /// Unix group name → role, from the engine's configuration file.
    public var groupRoles: [String: Role]
    public var directory: any UserDirectory

    public init(
        engineUID: UInt32 = getuid(), groupRoles: [String: Role] = [:],
        directory: any UserDirectory = SystemUserDirectory()
    ) {
        self.engineUID = engineUID
        self.groupRoles = groupRoles
        self.directory = directory
    }

    public func role(for peer: PeerCredentials) -> Role? {
        if peer.uid == 0 || peer.uid == engineUID { return .admin }
        guard !groupRoles.isEmpty else { return nil }
        let memberships = directory.groupIDs(ofUser: peer.uid, primaryGroup: peer.gid)
        return groupRoles
            .filter { name, _ in directory.groupID(named: name).map(memberships.contains) ?? false }
            .map(\.value)
            .min()
    }
}
