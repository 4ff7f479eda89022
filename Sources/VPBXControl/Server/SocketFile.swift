#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// File-system chores around the control socket's path.
enum SocketFile {
    /// Whether something accepts connections at `path` (another engine running).
    static func isListening(at path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Whether `path` exists and is a socket (only such files are ever removed).
    static func isSocket(at path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
    }

    /// The inode of `path`, to recognise our own socket at shutdown.
    static func inode(at path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    static func setPermissions(at path: String, mode: mode_t, group: UInt32?) throws(ControlServerError) {
        if let group, chown(path, uid_t.max, group) != 0 {
            throw .socketSetup(path: path, "cannot give the socket to group \(group): \(String(cString: strerror(errno)))")
        }
        if chmod(path, mode) != 0 {
            throw .socketSetup(path: path, "cannot set its mode: \(String(cString: strerror(errno)))")
        }
    }

    static func remove(at path: String) {
        unlink(path)
    }
}
