#if canImport(Glibc)
import Glibc

/// Makes a `posix_spawn` child start with only the descriptors its file actions set up.
///
/// NIO opens its sockets without close-on-exec, so a test that spawns a process (an engine,
/// sipp, baresip, tmux) while other tests run in the same process hands it their sockets: a
/// connection one of them closes then stays open for as long as the child lives, and its peer
/// never sees the close. glibc (2.34 and later) can close the rest in the child; Swift's Glibc
/// module does not declare that function, so it is looked up at run time.
public enum SpawnDescriptors {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, CInt) -> CInt

    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Adds "close every descriptor from 3 on" to `actions` (after the actions for 0-2). Where
    /// glibc lacks it, marks the process's own descriptors from 3 on close-on-exec instead.
    public static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        if let addCloseFrom {
            _ = addCloseFrom(&actions, 3)
            return
        }
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        for descriptor in 3..<CInt(min(limit.rlim_cur, 65_536)) {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
#endif
