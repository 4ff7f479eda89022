// The shim includes <sys/socket.h> (for sendmmsg), and Clang then counts its declarations,
// MSG_DONTWAIT among them, as that module's: imported here so `sendDatagram` still sees them.
import CLinuxEpoll
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Creates and binds the UDP sockets that are then handed to NIO with
/// `DatagramBootstrap.withBoundSocket`, so that their descriptor numbers are known.
enum UDPSocketBinding {
    /// A bound, non-blocking, close-on-exec UDP socket. Without `sharingThePort` another
    /// socket on the port makes the bind fail with `EADDRINUSE`, as RTP's port pool needs.
    static func make(host: String, port: Int, sharingThePort: Bool) throws -> CInt {
        let address = try Self.address(host: host, port: port)
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "UDP needs an IPv4 or IPv6 address")
        }
        let socketType = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(family, socketType, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            var on: CInt = 1
            for option in sharingThePort ? [SO_REUSEADDR, SO_REUSEPORT] : [] {
                guard setsockopt(descriptor, SOL_SOCKET, option, &on, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                    throw IOError(errnoCode: errno, reason: "setsockopt")
                }
            }
            let bound = address.withSockAddr { pointer, size in bind(descriptor, pointer, socklen_t(size)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind(\(host):\(port))") }
            return descriptor
        } catch {
            closeDescriptor(descriptor)
            throw error
        }
    }

    /// A numeric address is parsed in place; only a name goes to the resolver. The engine
    /// binds every RTP socket on its numeric media address, and `getaddrinfo` (what
    /// `makeAddressResolvingHost` always calls) cost more than the socket, bind and NIO
    /// channel together for a new call's four sockets at 3,000 calls/s.
    static func address(host: String, port: Int) throws -> SocketAddress {
        guard (0...65_535).contains(port) else { throw PortOutOfRange(port: port) }
        if let numeric = try? SocketAddress.numeric(host: host, port: port) { return numeric }
        return try SocketAddress.makeAddressResolvingHost(host, port: port)
    }
}

/// One `sendto` of `bytes` to `address` that never blocks. True when the whole datagram went.
func sendDatagram(_ bytes: UnsafeRawBufferPointer, on descriptor: CInt, to address: SocketAddress) -> Bool {
    let sent = address.withSockAddr { pointer, size in
        sendto(descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), pointer, socklen_t(size))
    }
    return sent == bytes.count
}

/// `close(2)`, named apart from the senders' own `close()`.
func closeDescriptor(_ descriptor: CInt) {
    _ = close(descriptor)
}
