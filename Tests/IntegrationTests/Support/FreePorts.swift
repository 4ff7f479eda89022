import Foundation

#if canImport(Glibc)
    import Glibc
    private let datagram = Int32(SOCK_DGRAM.rawValue)
    private let stream = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    import Darwin
    private let datagram = SOCK_DGRAM
    private let stream = SOCK_STREAM
#endif

/// `bind(2)`, named apart from `Socket.bind(port:)`.
private func bindSocket(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
        Glibc.bind(fd, address, length)
    #else
        Darwin.bind(fd, address, length)
    #endif
}

/// Loopback ports that are free right now, probed by binding them, from fixed bands where
/// neither the kernel's own picks for port-0 sockets nor the unit tests (which use
/// 20000-30000 and run in the same process) get in the way.
enum FreePorts {
    // Bands above Linux's ephemeral range (32768-60999), so that no socket bound to port 0
    // takes a port between probe and use, and apart from each other, so that an engine's
    // SDP can never carry a sipp port by coincidence (the anchoring check relies on it).
    /// RTP ranges of engines.
    static let engineRTPBand: ClosedRange<UInt16> = 61_000...62_999
    /// sipp media ports (`-mp` and the ports after it).
    static let peerMediaBand: ClosedRange<UInt16> = 63_000...63_999
    /// sipp SIP (`-p`) and control (`-cp`) ports.
    static let peerSignallingBand: ClosedRange<UInt16> = 64_000...64_999
    /// Engine SIP ports, free for both UDP and TCP.
    static let engineSIPBand: ClosedRange<UInt16> = 65_000...65_499

    /// A port free for both UDP and TCP on 127.0.0.1 (the engine listens on both).
    static func sipPort() throws -> UInt16 {
        for _ in 0..<200 {
            let port = cursor.next(count: 1, in: engineSIPBand).lowerBound
            guard let udp = try? Socket(type: datagram).bindKeeping(port: port) else { continue }
            if (try? Socket(type: stream).bind(port: port)) != nil {
                _ = udp  // held until here, so that both probes saw the port free together
                return port
            }
        }
        throw HarnessError("no port free for both UDP and TCP in \(engineSIPBand) after 200 tries")
    }

    /// A single free UDP port for a sipp peer.
    static func udpPort() throws -> UInt16 {
        try udpRange(count: 1, in: peerSignallingBand).lowerBound
    }

    /// `count` consecutive free UDP ports inside `band`, starting at an even port (RTP convention).
    static func udpRange(count: Int, in band: ClosedRange<UInt16> = engineRTPBand) throws -> ClosedRange<UInt16> {
        for _ in 0..<200 {
            let range = cursor.next(count: count, in: band)
            let sockets = range.compactMap { try? Socket(type: datagram).bindKeeping(port: $0) }
            if sockets.count == count { return range }
        }
        throw HarnessError("no run of \(count) free UDP ports found in \(band)")
    }

    /// Hands out ports in turn through each band, so that one test run never gets the same
    /// port twice (a probed port is free, but not reserved) until the band wraps around.
    private static let cursor = Cursor()
}

/// Per band, where the next allocation starts; a random start, so that test runs in other
/// worktrees on the same machine tend to use other ports.
private final class Cursor: @unchecked Sendable {
    private let lock = NSLock()
    private var offsets: [UInt16: Int] = [:]  // keyed by band.lowerBound

    /// The next `count` ports of `band`, starting at an even port.
    func next(count: Int, in band: ClosedRange<UInt16>) -> ClosedRange<UInt16> {
        lock.lock()
        defer { lock.unlock() }
        let size = band.count - count
        var offset = offsets[band.lowerBound] ?? Int.random(in: 0..<size)
        offset = (offset + 1) & ~1
        if offset > size { offset = 0 }
        offsets[band.lowerBound] = offset + count
        let first = band.lowerBound + UInt16(offset)
        return first...(first + UInt16(count - 1))
    }
}

/// A socket closed on deinit; only what port probing needs.
private final class Socket {
    let fd: Int32

    init(type: Int32) throws {
        fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Binds to 127.0.0.1:`port` and returns the port actually bound.
    func bind(port: UInt16) throws -> UInt16 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bindSocket(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("port \(port) is taken") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Like `bind`, but returns the socket so that it stays bound while its neighbours are probed.
    func bindKeeping(port: UInt16) throws -> Socket {
        _ = try bind(port: port)
        return self
    }
}
