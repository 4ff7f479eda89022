import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends datagrams straight into a UDP socket that NIO reads, with one `sendto` on a duplicate
/// of the socket's descriptor. Two users:
///
/// - SIP: the PBX core's datagrams (below).
/// - RTP: the relay forwards each packet with one `sendto` right where it was read, instead of
///   NIO's outbound pipeline, pending-write queue and flush (the relay benchmark measured the
///   engine at 1.6 to 2.7 times the CPU per stream of a plain C relay doing just that).
///
/// The core runs on Swift's concurrency pool, not on the socket's event loop. Through NIO
/// every burst it sends is a task on the loop: an eventfd write, a wake-up of a loop that had
/// usually gone back to sleep, a promise and the pipeline's write queue, then the `sendmsg`
/// itself. A perf profile at 500 calls/s put about a quarter of the engine's context switches
/// there. A datagram socket can be written from any thread, and UDP keeps no order between
/// datagrams anyway, so the core sends directly; the datagram leaves from the same address
/// and port as one NIO would send. Whatever cannot go out at once (a full send buffer) or
/// fails is handed back, and the caller sends it through NIO as before, where it is queued or
/// counted and logged as a failure.
final class UDPDirectSender: Sendable {
    /// The duplicate descriptor, nil once closed. Held locked during `sendto` so `close()`
    /// cannot free the number for reuse under a send.
    private let descriptor: NIOLockedValueBox<CInt?>

    private init(descriptor: CInt) {
        self.descriptor = NIOLockedValueBox(descriptor)
    }

    /// Creates and binds a UDP socket as the SIP listeners want it (address reuse and
    /// SO_REUSEPORT, so several sockets share the port), and a sender on a duplicate of it.
    /// The returned descriptor is for NIO (`DatagramBootstrap.withBoundSocket`), which owns
    /// and closes it; the sender owns the duplicate.
    static func bindListeningSocket(host: String, port: Int) throws -> (socket: CInt, sender: UDPDirectSender) {
        try makeBoundSocket(host: host, port: port, sharingThePort: true)
    }

    /// Binds a UDP socket and a sender on a duplicate, as ``bindListeningSocket(host:port:)``.
    /// Without `sharingThePort` another socket on the port makes the bind fail with
    /// `EADDRINUSE`, as RTP's port pool needs.
    static func makeBoundSocket(host: String, port: Int, sharingThePort: Bool) throws -> (socket: CInt, sender: UDPDirectSender) {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "SIP over UDP needs an IPv4 or IPv6 address")
        }
        let socketType = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let listening = socket(family, socketType, 0)
        guard listening >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            var on: CInt = 1
            for option in sharingThePort ? [SO_REUSEADDR, SO_REUSEPORT] : [] {
                guard setsockopt(listening, SOL_SOCKET, option, &on, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                    throw IOError(errnoCode: errno, reason: "setsockopt")
                }
            }
            let bound = address.withSockAddr { pointer, size in bind(listening, pointer, socklen_t(size)) }
            guard bound == 0 else {
                throw IOError(errnoCode: errno, reason: "bind(\(host):\(port))")
            }
            let duplicate = fcntl(listening, F_DUPFD_CLOEXEC, 0)
            guard duplicate >= 0 else { throw IOError(errnoCode: errno, reason: "fcntl(F_DUPFD_CLOEXEC)") }
            return (listening, UDPDirectSender(descriptor: duplicate))
        } catch {
            closeDescriptor(listening)
            throw error
        }
    }

    /// Sends one datagram now. False when it did not go out (send buffer full, an error, or
    /// closed): the caller then sends it the ordinary way.
    func send(_ bytes: [UInt8], to address: SocketAddress) -> Bool {
        descriptor.withLockedValue { descriptor in
            guard let descriptor else { return false }
            let sent = bytes.withUnsafeBytes { buffer in
                address.withSockAddr { pointer, size in
                    sendto(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_DONTWAIT), pointer, socklen_t(size))
                }
            }
            return sent == bytes.count
        }
    }

    /// Sends the readable bytes of `buffer`, as ``send(_:to:)-([UInt8],_)``.
    func send(_ buffer: ByteBuffer, to address: SocketAddress) -> Bool {
        descriptor.withLockedValue { descriptor in
            guard let descriptor else { return false }
            let sent = buffer.withUnsafeReadableBytes { bytes in
                address.withSockAddr { pointer, size in
                    sendto(descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), pointer, socklen_t(size))
                }
            }
            return sent == buffer.readableBytes
        }
    }

    /// Closes the duplicate when `channel` closes, whoever closes it, so the port is free
    /// again as soon as NIO has closed its descriptor.
    func closes(with channel: any Channel) {
        channel.closeFuture.whenComplete { _ in self.close() }
    }

    /// Closes the duplicate; later sends return false. Idempotent.
    func close() {
        descriptor.withLockedValue { descriptor in
            if let open = descriptor { closeDescriptor(open) }
            descriptor = nil
        }
    }

    deinit {
        close()
    }
}

/// `close(2)`, named apart from the sender's own `close()`.
private func closeDescriptor(_ descriptor: CInt) {
    _ = close(descriptor)
}
