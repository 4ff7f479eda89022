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

/// Loopback ports that are free right now. The kernel picks single ports (bind to port 0
/// and read it back); runs of consecutive ports (RTP ranges, sipp's media ports) are probed
/// by binding every port of a random candidate run, below Linux's ephemeral range so that
/// short-lived client sockets do not take them between probe and use.
enum FreePorts {
    /// A port free for both UDP and TCP on 127.0.0.1 (the engine listens on both).
    static func sipPort() throws -> UInt16 {
        for _ in 0..<50 {
            let udp = try Socket(type: datagram)
            let port = try udp.bind(port: 0)
            if (try? Socket(type: stream).bind(port: port)) != nil { return port }
        }
        throw HarnessError("no loopback port free for both UDP and TCP after 50 tries")
    }

    /// A single free UDP port.
    static func udpPort() throws -> UInt16 {
        try Socket(type: datagram).bind(port: 0)
    }

    /// Where engines get their RTP ranges.
    static let engineRTPBand: ClosedRange<UInt16> = 20_000...30_999
    /// Where sipp peers get their media ports: apart from the engines' band, so that an
    /// engine's SDP can never carry a sipp port by coincidence (the anchoring check relies on
    /// it), and the two never race for a port.
    static let peerMediaBand: ClosedRange<UInt16> = 31_000...32_700

    /// `count` consecutive free UDP ports inside `band`, starting at an even port (RTP convention).
    static func udpRange(count: Int, in band: ClosedRange<UInt16> = engineRTPBand) throws -> ClosedRange<UInt16> {
        for _ in 0..<200 {
            let first = UInt16.random(in: band.lowerBound...(band.upperBound - UInt16(count))) & ~1
            let range = first...(first + UInt16(count - 1))
            let sockets = range.compactMap { try? Socket(type: datagram).bindKeeping(port: $0) }
            if sockets.count == count { return range }
        }
        throw HarnessError("no run of \(count) free UDP ports found in \(band)")
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
