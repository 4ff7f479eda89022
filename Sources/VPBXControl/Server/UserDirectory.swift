#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The lookups role resolution needs, behind a protocol so tests need no real groups.
public protocol UserDirectory: Sendable {
    /// The gid of the Unix group called `name`.
    func groupID(named name: String) -> UInt32?
    /// Every group `uid` belongs to, primary and supplementary.
    func groupIDs(ofUser uid: UInt32, primaryGroup: UInt32) -> Set<UInt32>
    /// The name of the user `uid` (which agent a console user is goes by name).
    func userName(of uid: UInt32) -> String?
}

extension UserDirectory {
    public func userName(of uid: UInt32) -> String? { SystemUserDirectory().userName(of: uid) }
}

/// `/etc/group` and friends, through the C library (NSS-aware).
public struct SystemUserDirectory: UserDirectory {
    public init() {}

    public func groupID(named name: String) -> UInt32? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        guard getgrnam_r(name, &group, &scratch, scratch.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }

    public func userName(of uid: UInt32) -> String? {
        var passwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        guard getpwuid_r(uid, &passwd, &scratch, scratch.count, &result) == 0, result != nil,
            let name = passwd.pw_name
        else { return nil }
        return String(cString: name)
    }

    public func groupIDs(ofUser uid: UInt32, primaryGroup: UInt32) -> Set<UInt32> {
        var ids: Set<UInt32> = [primaryGroup]
        var passwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        guard getpwuid_r(uid, &passwd, &scratch, scratch.count, &result) == 0, result != nil,
            let name = passwd.pw_name
        else { return ids }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        // getgrouplist reports the needed size when the array is too small; retry once.
        if getgrouplist(name, primaryGroup, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, primaryGroup, &groups, &count) != -1 else { return ids }
        }
        ids.formUnion(groups.prefix(Int(count)))
        return ids
    }
}
