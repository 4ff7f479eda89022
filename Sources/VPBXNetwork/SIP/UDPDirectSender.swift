import CLinuxEpoll
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
    private struct State {
        /// The duplicate descriptor, nil once closed. Held locked during `sendto` so `close()`
        /// cannot free the number for reuse under a send.
        var descriptor: CInt?
        /// Sends to refuse before trying, as a full send buffer would (tests only: a loopback
        /// socket's buffer cannot be filled on purpose). In the same lock: no second one per send.
        var refusals = 0
    }

    private let state: NIOLockedValueBox<State>

    private init(descriptor: CInt) {
        self.state = NIOLockedValueBox(State(descriptor: descriptor))
    }

    /// The next `count` sends return false without sending.
    func refuseNextSendsForTesting(_ count: Int) {
        state.withLockedValue { $0.refusals += count }
    }

    /// Creates and binds a UDP socket as the SIP listeners want it (address reuse and
    /// SO_REUSEPORT, so several sockets share the port), and a sender on a duplicate of it.
    /// The returned descriptor is for NIO (`DatagramBootstrap.withBoundSocket`), which owns
    /// and closes it; the sender owns the duplicate (the core sends from another thread, so it
    /// must never see the number after NIO closed it and the kernel gave it to a new socket).
    static func bindListeningSocket(host: String, port: Int) throws -> (socket: CInt, sender: UDPDirectSender) {
        let listening = try UDPSocketBinding.make(host: host, port: port, sharingThePort: true)
        let duplicate = fcntl(listening, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else {
            let error = IOError(errnoCode: errno, reason: "fcntl(F_DUPFD_CLOEXEC)")
            closeDescriptor(listening)
            throw error
        }
        return (listening, UDPDirectSender(descriptor: duplicate))
    }

    /// Datagrams the kernel dropped at this socket since it was made (its receive buffer
    /// full; the duplicate descriptor names the same socket); nil when the kernel cannot say.
    func kernelDrops() -> Int? {
        state.withLockedValue { state in
            guard let descriptor = state.descriptor else { return nil }
            let drops = vpbx_socket_drops(descriptor)
            return drops >= 0 ? Int(drops) : nil
        }
    }

    /// Sends one datagram now. False when it did not go out (send buffer full, an error, or
    /// closed): the caller then sends it the ordinary way.
    func send(_ bytes: [UInt8], to address: SocketAddress) -> Bool {
        state.withLockedValue { state in
            if state.refusals > 0 {
                state.refusals -= 1
                return false
            }
            guard let descriptor = state.descriptor else { return false }
            return bytes.withUnsafeBytes { sendDatagram($0, on: descriptor, to: address) }
        }
    }

    /// Sends `datagrams` in order now, with as few system calls as the kernel allows. Returns
    /// how many went from the front; the caller sends the rest the ordinary way, in order.
    func send(_ datagrams: ArraySlice<OutgoingDatagram>) -> Int {
        state.withLockedValue { state in
            if state.refusals > 0 {
                state.refusals -= 1
                return 0
            }
            guard let descriptor = state.descriptor else { return 0 }
            return sendDatagrams(datagrams, on: descriptor)
        }
    }

    /// Closes the duplicate; later sends return false. Idempotent.
    func close() {
        state.withLockedValue { state in
            if let open = state.descriptor { closeDescriptor(open) }
            state.descriptor = nil
        }
    }

    deinit {
        close()
    }
}
