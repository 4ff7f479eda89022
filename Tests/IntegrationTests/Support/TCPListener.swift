import Foundation

#if canImport(Glibc)
    import Glibc
    private let streamType = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    import Darwin
    private let streamType = SOCK_STREAM
#endif

/// A TCP port on a loopback address (127.0.0.1 unless told) that accepts connections, for a
/// phone's listening side or a provider's server: where the engine connects to reach a
/// Contact or a trunk. Every wait is bounded by `poll`.
final class TCPListener {
    private let fd: Int32
    let port: UInt16

    init(address host: String = "127.0.0.1") throws {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr(host)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("cannot listen on \(host): \(reason)")
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }

    /// The next connection, or nil when none came within `timeout`.
    func accept(timeout: Duration) -> TCPClient? {
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, max(milliseconds, 1)) > 0 else { return nil }
        #if canImport(Glibc)
            let connection = Glibc.accept(fd, nil, nil)
        #else
            let connection = Darwin.accept(fd, nil, nil)
        #endif
        return connection >= 0 ? TCPClient(accepted: connection) : nil
    }
}
