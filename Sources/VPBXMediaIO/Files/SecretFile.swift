#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file holding a secret the engine is given (a recording key, a webhook's signing
/// secret): read whole, and refused when anyone but its owner may read it, as ssh refuses
/// such a private key: a secret others can read protects nothing.
public enum SecretFile {
    /// The file's bytes. `what` names the secret in errors ("the recording key").
    public static func contents(of path: String, what: String, maximumBytes: Int = 4096) throws(SecretFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SecretFileError("cannot open \(what) \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SecretFileError("cannot read \(what) \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretFileError(
                "\(what) \(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "make it readable by the engine's user only: chmod 600 \(path)")
        }
        var bytes = [UInt8](repeating: 0, count: maximumBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw SecretFileError("cannot read \(what) \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumBytes else { throw SecretFileError("\(what) \(path) is larger than \(maximumBytes) bytes") }
        return Array(bytes.prefix(count))
    }
}

/// A secret file could not be used; the description says why and what to do.
public struct SecretFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
