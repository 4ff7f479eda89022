import Foundation

#if canImport(Glibc)
    import Glibc
    private let streamType = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    import Darwin
    private let streamType = SOCK_STREAM
#endif

/// A TCP connection to 127.0.0.1 written by hand, for what sipp cannot do: two connections of
/// one phone, and watching when the engine closes one. Every read is bounded by `poll`.
final class TCPClient {
    private let fd: Int32
    private var received: [UInt8] = []

    init(port: UInt16) throws {
        fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port) failed: \(reason)")
        }
    }

    /// A connection `TCPListener` accepted.
    init(accepted descriptor: Int32) {
        fd = descriptor
    }

    private var isClosed = false

    deinit { closeConnection() }

    /// Closes the connection now, as a phone whose connection breaks (its peer sees the end).
    func closeConnection() {
        guard !isClosed else { return }
        isClosed = true
        close(fd)
    }

    /// Resets the connection (RST, SO_LINGER 0), as a server whose process died does.
    func resetConnection() {
        guard !isClosed else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        closeConnection()
    }

    /// The local port, for the Via header.
    var localPort: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw HarnessError("send failed: \(String(cString: strerror(errno)))") }
    }

    /// The next message's start line and headers (bodies are not expected), within `timeout`.
    func readHeaders(timeout: Duration = .seconds(5)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = received.firstRange(of: end) {
                let message = String(decoding: received[..<range.upperBound], as: UTF8.self)
                received.removeSubrange(..<range.upperBound)
                return message
            }
            guard ContinuousClock.now < deadline else { throw HarnessError("timed out reading from the engine") }
            guard readSome(until: deadline) else {
                throw HarnessError("connection closed before a whole message; got: \(String(decoding: received, as: UTF8.self))")
            }
        }
    }

    /// The next whole message: its start line and headers as ``readHeaders(timeout:)`` gives
    /// them, its body (Content-Length bytes, `l` in the compact form) read and dropped, so the
    /// message after it starts clean.
    func readMessage(timeout: Duration = .seconds(5)) throws -> String {
        try readMessageWithBody(timeout: timeout).head
    }

    /// The next whole message, its body too (Content-Length bytes, `l` in the compact form).
    func readMessageWithBody(timeout: Duration = .seconds(5)) throws -> (head: String, body: [UInt8]) {
        let deadline = ContinuousClock.now + timeout
        let head = try readHeaders(timeout: timeout)
        let length = head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, ["content-length", "l"].contains(parts[0].trimmingCharacters(in: .whitespaces).lowercased())
            else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        while received.count < length {
            guard ContinuousClock.now < deadline else { throw HarnessError("timed out reading a body of \(length) bytes") }
            guard readSome(until: deadline) else { throw HarnessError("connection closed in the middle of a body") }
        }
        let body = Array(received[..<length])
        received.removeSubrange(..<length)
        return (head, body)
    }

    /// Whether the peer closes the connection within `timeout` (anything it sends meanwhile
    /// is kept for ``readHeaders(timeout:)``).
    func closedByPeer(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !readSome(until: deadline) { return true }
        }
        return false
    }

    /// Reads what arrives before `deadline` (waiting at most a second): false at end of
    /// stream, true otherwise (also when nothing came).
    private func readSome(until deadline: ContinuousClock.Instant) -> Bool {
        let left = max(deadline - ContinuousClock.now, .zero)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000, 1000))
        guard poll(&descriptor, 1, max(milliseconds, 1)) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return false }
        received += buffer[..<count]
        return true
    }
}
