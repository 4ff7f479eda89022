import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends the PBX core's SIP datagrams straight into a UDP socket that NIO reads, with one
/// `sendto` on a duplicate of the socket's descriptor. (The RTP relay does the same on its own
/// loop with ``LoopDirectSender``: one `sendto` per packet right where it was read, instead of
/// NIO's outbound pipeline, pending-write queue and flush.)
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
    /// and closes it; the sender owns the duplicate (the core sends from another thread, so it
    /// must never see the number after NIO closed it and the kernel gave it to a new socket).
    static func bindListeningSocket(host: String, port: Int) throws -> (socket: CInt, sender: UDPDirectSender) {
        let listening = try UDPSocketBinding.bind(host: host, port: port, sharingThePort: true)
        let duplicate = fcntl(listening, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else {
            let error = IOError(errnoCode: errno, reason: "fcntl(F_DUPFD_CLOEXEC)")
            closeDescriptor(listening)
            throw error
        }
        return (listening, UDPDirectSender(descriptor: duplicate))
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

/// Creates and binds the UDP sockets that are then handed to NIO with
/// `DatagramBootstrap.withBoundSocket`, so that their descriptor numbers are known.
enum UDPSocketBinding {
    /// A bound, non-blocking, close-on-exec UDP socket. Without `sharingThePort` another
    /// socket on the port makes the bind fail with `EADDRINUSE`, as RTP's port pool needs.
    static func bind(host: String, port: Int, sharingThePort: Bool) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
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
            let bound = address.withSockAddr { pointer, size in Glibc.bind(descriptor, pointer, socklen_t(size)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind(\(host):\(port))") }
            return descriptor
        } catch {
            closeDescriptor(descriptor)
            throw error
        }
    }
}

/// Sends on a socket NIO owns, from that socket's own event loop only: NIO closes the socket
/// on the same loop, so while the channel is active its descriptor number is its own. The
/// RTP relay forwards each packet this way (see ``UDPDirectSender`` for why). No duplicate
/// descriptor: a relay session has four sockets, and doubling them ran the engine out of
/// descriptors under overload.
struct LoopDirectSender {
    let descriptor: CInt
    let channel: any Channel

    /// Sends the readable bytes of `buffer` now. False when the channel is closed, the send
    /// buffer is full or the send failed: the caller then takes NIO's path.
    func send(_ buffer: ByteBuffer, to address: SocketAddress) -> Bool {
        guard channel.isActive else { return false }
        let sent = buffer.withUnsafeReadableBytes { bytes in
            address.withSockAddr { pointer, size in
                sendto(descriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), pointer, socklen_t(size))
            }
        }
        return sent == buffer.readableBytes
    }
}

/// `close(2)`, named apart from the sender's own `close()`.
private func closeDescriptor(_ descriptor: CInt) {
    _ = close(descriptor)
}
