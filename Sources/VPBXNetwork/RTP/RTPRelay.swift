import Logging
import NIOCore

/// The engine's RTP relay: anchors the media of every call by giving each call a
/// ``RelaySession`` with its own ports and forwarding between its two sides.
///
/// One per engine. It owns the port pool and borrows an `EventLoopGroup`; each session lives
/// entirely on one event loop of that group, chosen when it is created.
public final class RTPRelay: Sendable {
    /// How the relay binds and tunes its sockets.
    public struct Configuration: Sendable {
        /// The ports sessions are given: even RTP ports, RTCP on the next odd one.
        public var portRange: ClosedRange<Int>
        /// A session with no RTP from either side for this long reports a timeout; `nil` never.
        public var inactivityTimeout: TimeAmount?
        /// `SO_RCVBUF` of every socket, so a burst (or a late event loop) does not overflow the
        /// kernel's queue. The kernel caps it at `net.core.rmem_max`.
        public var receiveBufferSize: Int
        /// Read calls per readiness event; with vector reads each call is one `recvmmsg`.
        public var maxMessagesPerRead: UInt
        /// Datagrams per `recvmmsg`; 0 or 1 turns vector reads off.
        public var vectorReadMessageCount: Int
        /// The largest datagram received whole; longer ones are truncated. Each vector read
        /// slot gets this much room.
        public var maxDatagramSize: Int

        public init(
            portRange: ClosedRange<Int> = 10000...20000,
            inactivityTimeout: TimeAmount? = .seconds(60),
            receiveBufferSize: Int = 256 * 1024,
            maxMessagesPerRead: UInt = 4,
            vectorReadMessageCount: Int = 16,
            maxDatagramSize: Int = 2048
        ) {
            self.portRange = portRange
            self.inactivityTimeout = inactivityTimeout
            self.receiveBufferSize = receiveBufferSize
            self.maxMessagesPerRead = maxMessagesPerRead
            self.vectorReadMessageCount = vectorReadMessageCount
            self.maxDatagramSize = maxDatagramSize
        }
    }

    /// The ports the relay hands out.
    public let pool: RTPPortPool
    public let configuration: Configuration
    let group: any EventLoopGroup
    let logger: Logger

    /// - Throws: ``RTPRelayError/Code/invalidPortRange`` for an unusable port range.
    public init(
        group: any EventLoopGroup,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "vpbx.rtp-relay")
    ) throws {
        self.pool = try RTPPortPool(range: configuration.portRange)
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Opens a session: picks one event loop and binds four UDP sockets on it (A-side RTP and
    /// RTCP, B-side RTP and RTCP) on `bindHost`, skipping ports another process holds.
    ///
    /// - Parameters:
    ///   - bindHost: the local IP address to bind (the one the rewritten SDP announces).
    ///   - onTimeout: called once, on the session's event loop, when no RTP arrived on either
    ///     side for ``Configuration/inactivityTimeout``. The session stays open; close it.
    /// - Throws: ``RTPRelayError/Code/portsExhausted`` when no free pair is left, or the bind
    ///   error (e.g. `bindHost` is not a local address). Nothing stays reserved or open then.
    public func makeSession(
        bindHost: String,
        onTimeout: (@Sendable () -> Void)? = nil
    ) async throws -> RelaySession {
        let loop = self.group.next()
        let sockets = try await self.bindSockets(host: bindHost, on: loop)
        let timeout = self.configuration.inactivityTimeout
        do {
            let core = try await loop.submit {
                NIOLoopBound(try RelayCore(sockets: sockets, timeout: timeout, onTimeout: onTimeout), eventLoop: loop)
            }.get()
            return RelaySession(sockets: sockets, core: core, pool: self.pool, logger: self.logger)
        } catch {
            await self.closeAndRelease(sockets.all, ports: [sockets.a.port, sockets.b.port])
            throw error
        }
    }
}
