import Logging
import NIOConcurrencyHelpers
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
        /// A session whose watched side sent no RTP nor RTCP for this long (either side by default,
        /// ``RelaySession/updateTimeoutWatchedSides(a:b:)``) reports a timeout; `nil` never.
        public var inactivityTimeout: TimeAmount?
        /// `SO_RCVBUF` of every socket, so a burst (or a late event loop) does not overflow the
        /// kernel's queue. The kernel caps it at `net.core.rmem_max`.
        public var receiveBufferSize: Int
        /// Read calls per readiness event; with vector reads each call is one `recvmmsg`.
        /// NIO reads until a call finds nothing, so with more than one, a leg's socket (which
        /// rarely has a second packet waiting) paid an empty `recvmmsg` after every packet:
        /// 1.9 calls per packet at 1,000 streams, 1.0 with one. Epoll is level-triggered, so
        /// what one read leaves waiting is read on the next loop turn.
        public var maxMessagesPerRead: UInt
        /// Datagrams per `recvmmsg`; 0 or 1 turns vector reads off. A leg's socket gets 50
        /// packets a second, so a read finds one or two waiting even when the loop is behind:
        /// NIO prepares every slot on every read, and with 16 slots that showed in profiles.
        public var vectorReadMessageCount: Int
        /// The largest datagram received whole; longer ones are truncated. Each vector read
        /// slot gets this much room.
        public var maxDatagramSize: Int
        /// How many closed sessions keep their four sockets bound for reuse by the next
        /// sessions; 0 closes them at once. See ``RTPRelay/closeIdleSessions()``.
        public var idleSessionLimit: Int
        /// How long a closed session's sockets stay unused before another session gets them,
        /// so the ended call's late packets cannot latch the next call.
        public var idleReuseDelay: TimeAmount
        /// A parked socket set not taken by a new call within this time is closed and its
        /// ports returned, so what a burst of calls left parked does not stay bound for good;
        /// nil keeps them until ``RTPRelay/closeIdleSessions()``.
        public var idleSessionLifetime: TimeAmount?
        /// At most this many port pairs (two sockets each) in use at once; nil: the range's.
        public var maxPortPairs: Int?
        /// How many poller threads forward plain bridged calls (raw `recvfrom`/`sendto` over
        /// epoll, see ``RelayPoller``); each socket set goes to one of them, in turn. 0: the NIO
        /// handlers forward everything. They forward anyway while a feature needs a call's
        /// audio on its event loop.
        public var pollerThreads: Int

        public init(
            portRange: ClosedRange<Int> = 10000...20000,
            inactivityTimeout: TimeAmount? = .seconds(60),
            receiveBufferSize: Int = 256 * 1024,
            maxMessagesPerRead: UInt = 1,
            vectorReadMessageCount: Int = 4,
            maxDatagramSize: Int = 2048,
            idleSessionLimit: Int = 0,
            idleReuseDelay: TimeAmount = .milliseconds(500),
            idleSessionLifetime: TimeAmount? = nil,
            maxPortPairs: Int? = nil,
            pollerThreads: Int = 1
        ) {
            self.idleSessionLifetime = idleSessionLifetime
            self.pollerThreads = pollerThreads
            self.maxPortPairs = maxPortPairs
            self.portRange = portRange
            self.inactivityTimeout = inactivityTimeout
            self.receiveBufferSize = receiveBufferSize
            self.maxMessagesPerRead = maxMessagesPerRead
            self.vectorReadMessageCount = vectorReadMessageCount
            self.maxDatagramSize = maxDatagramSize
            self.idleSessionLimit = idleSessionLimit
            self.idleReuseDelay = idleReuseDelay
        }
    }

    /// The ports the relay hands out.
    public let pool: RTPPortPool
    public let configuration: Configuration
    let group: any EventLoopGroup
    let logger: Logger
    /// Sockets of closed sessions awaiting reuse; nil when ``Configuration/idleSessionLimit`` is 0.
    let idle: RelayIdleSockets?
    /// Forward plain bridged calls; empty when ``Configuration/pollerThreads`` is 0.
    let pollers: [RelayPoller]
    /// Which poller gets the next socket set.
    private let nextPoller = NIOLockedValueBox(0)
    /// Loop hops held while a caller gathers them (``gatheringLoopWork(_:)``).
    let hops = LoopTaskGatherer()
    /// Closes sets parked longer than ``Configuration/idleSessionLifetime``.
    private let trimming = NIOLockedValueBox<RepeatedTask?>(nil)

    /// - Throws: ``RTPRelayError/Code/invalidPortRange`` for an unusable port range.
    public init(
        group: any EventLoopGroup,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "vpbx.rtp-relay")
    ) throws {
        self.pool = try RTPPortPool(range: configuration.portRange, maxInUse: configuration.maxPortPairs)
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.idle =
            configuration.idleSessionLimit > 0
            ? RelayIdleSockets(limit: configuration.idleSessionLimit, reuseDelay: configuration.idleReuseDelay) : nil
        self.pollers = try (0..<max(0, configuration.pollerThreads)).map { _ in
            try RelayPoller(maxDatagramSize: configuration.maxDatagramSize, logger: logger)
        }
        if let lifetime = configuration.idleSessionLifetime, self.idle != nil {
            // A quarter of the lifetime apart: a set is closed between one and 1.25 lifetimes
            // after it was parked.
            let interval = TimeAmount.nanoseconds(max(lifetime.nanoseconds / 4, 1_000_000))
            let task = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
                self?.closeSessionsParked(longerThan: lifetime)
            }
            self.trimming.withLockedValue { $0 = task }
        }
    }

    /// Closes the parked socket sets no new call took within `lifetime` and returns their
    /// ports; how many. Called by the relay itself every quarter of
    /// ``Configuration/idleSessionLifetime``.
    @discardableResult
    public func closeSessionsParked(longerThan lifetime: TimeAmount, now: NIODeadline = .now()) -> Int {
        let expired = self.idle?.removeParked(before: now - lifetime) ?? []
        guard !expired.isEmpty else { return 0 }
        self.logger.debug("closing parked RTP socket sets no call took", metadata: ["sets": "\(expired.count)"])
        Task {
            for sockets in expired { await self.closeAndRelease(sockets) }
        }
        return expired.count
    }

    /// Runs `body` and hands the sessions' event loops what it asked of them (new sessions,
    /// media addresses, closes) when it returns, one task per loop instead of one per step:
    /// for the PBX core, around each batch of its input. Waiting calls (`async` methods) are
    /// not held.
    public func gatheringLoopWork(_ body: () -> Void) {
        hops.begin()
        defer { hops.end() }
        body()
    }

    /// How many poller threads forward plain bridged calls (the engine logs it at start).
    public var forwardingThreadCount: Int { self.pollers.count }

    /// The poller for a new socket set, round robin; nil without pollers.
    func pickPoller() -> RelayPoller? {
        guard !self.pollers.isEmpty else { return nil }
        let index = self.nextPoller.withLockedValue { next in
            defer { next = (next + 1) % self.pollers.count }
            return next
        }
        return self.pollers[index]
    }

    deinit {
        self.trimming.withLockedValue { $0?.cancel() }
        // The poller threads end once the sessions still open have closed.
        for poller in self.pollers { poller.retire() }
    }

    /// Opens a session: picks one event loop and binds four UDP sockets on it (A-side RTP and
    /// RTCP, B-side RTP and RTCP) on `bindHost`, skipping ports another process holds. With
    /// ``Configuration/idleSessionLimit`` set, the sockets of a session closed long enough ago
    /// are reused instead (one relay serves one bind address, so they are on `bindHost`).
    ///
    /// - Parameters:
    ///   - bindHost: the local IP address to bind (the one the rewritten SDP announces).
    ///   - expectingA: where the A side's phone said it receives (its SDP), set as with
    ///     ``RelaySession/updateExpectedRemote(side:host:port:rtcpPort:)`` in the same hand-off
    ///     that builds the session. A non-numeric host is ignored.
    ///   - timeoutSuspended: the inactivity timeout starts only when
    ///     ``RelaySession/updateTimeoutSuspended(_:)`` lifts it: a call still ringing sends
    ///     no media, however long it rings.
    ///   - onTimeout: called once, on the session's event loop, when nothing arrived on a
    ///     watched side for ``Configuration/inactivityTimeout``. The session stays open; close it.
    /// - Throws: ``RTPRelayError/Code/portsExhausted`` when no free pair is left, or the bind
    ///   error (e.g. `bindHost` is not a local address). Nothing stays reserved or open then.
    public func makeSession(
        bindHost: String,
        expectingA: (host: String, port: Int)? = nil,
        timeoutSuspended: Bool = false,
        onTimeout: (@Sendable () -> Void)? = nil
    ) async throws -> RelaySession {
        let expectedA = expectingA.flatMap { RelaySession.expectedAddresses(host: $0.host, port: $0.port) }
        let sockets: RelaySockets
        if let reused = self.idle?.take() {
            sockets = reused
        } else {
            do {
                sockets = try await self.bindSockets(host: bindHost, on: self.group.next())
            } catch let error as RTPRelayError where error.code == .portsExhausted {
                guard let reused = self.idle?.take(evenIfRecent: true) else { throw error }
                sockets = reused
            }
        }
        let loop = sockets.a.rtp.eventLoop
        do {
            let core = try await loop.submit {
                RelayCoreCell(
                    self.buildCore(on: sockets, expectedA: expectedA, timeoutSuspended: timeoutSuspended, onTimeout: onTimeout),
                    eventLoop: loop)
            }.get()
            return self.session(on: sockets, core: core)
        } catch {
            await self.closeAndRelease(sockets)
            throw error
        }
    }

    /// ``makeSession(bindHost:expectingA:timeoutSuspended:onTimeout:)`` for a caller that does not wait for it,
    /// such as the PBX core: a parked socket set ready for reuse makes the session at once
    /// (see ``makeSessionAtOnce(bindHost:expectingA:timeoutSuspended:onTimeout:)``) and `completion` runs before
    /// this returns; otherwise new sockets are bound in a Swift task and `completion` runs there.
    public func makeSession(
        bindHost: String,
        expectingA: (host: String, port: Int)?,
        timeoutSuspended: Bool = false,
        onTimeout: (@Sendable () -> Void)?,
        completion: @escaping @Sendable (Result<RelaySession, any Error>) -> Void
    ) {
        if let session = self.makeSessionAtOnce(
            bindHost: bindHost, expectingA: expectingA, timeoutSuspended: timeoutSuspended, onTimeout: onTimeout)
        {
            completion(.success(session))
            return
        }
        Task {
            do {
                let session = try await self.makeSession(
                    bindHost: bindHost, expectingA: expectingA, timeoutSuspended: timeoutSuspended, onTimeout: onTimeout)
                completion(.success(session))
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// A session on a parked socket set, usable as soon as this returns: its ports are known
    /// and its methods may be called at once, or nil when no parked set is ready for reuse
    /// (then ``makeSession(bindHost:expectingA:timeoutSuspended:onTimeout:)`` binds new sockets).
    ///
    /// The session's state is built by one task on the set's event loop (gathered with the
    /// caller's other loop work, ``gatheringLoopWork(_:)``); whatever the session is asked
    /// meanwhile waits for it there, in order (``RelayCoreCell``). So the PBX core can send the
    /// callee its INVITE in the same batch that took the INVITE from the caller, instead of
    /// waiting for a round trip to the relay's loop and back, a hand-off and often a wake-up
    /// of each thread per call. `bindHost` is not checked: one relay binds one address, and
    /// parked sets are bound on it.
    public func makeSessionAtOnce(
        bindHost: String,
        expectingA: (host: String, port: Int)?,
        timeoutSuspended: Bool = false,
        onTimeout: (@Sendable () -> Void)?
    ) -> RelaySession? {
        guard let sockets = self.idle?.take() else { return nil }
        // From now on what reaches the set is the new call's, though its state is built on the
        // loop later (behind whatever the loop is busy with, while the callee may already be
        // answering): the poller stops dropping it and leaves it in the sockets until then.
        // Queued before the callee can know the ports, and the poller applies commands before
        // the packets of each batch, so none of the new call's packets is dropped.
        if let poller = sockets.poller, let group = sockets.group {
            poller.send(.claim(group), urgent: false)
        }
        let expectedA = expectingA.flatMap { RelaySession.expectedAddresses(host: $0.host, port: $0.port) }
        let loop = sockets.a.rtp.eventLoop
        let cell = RelayCoreCell(eventLoop: loop)
        self.hops.execute(on: loop) {
            cell.fill(
                self.buildCore(on: sockets, expectedA: expectedA, timeoutSuspended: timeoutSuspended, onTimeout: onTimeout))
        }
        return self.session(on: sockets, core: cell)
    }

    /// The state of a session on `sockets`, forwarding; on their event loop.
    private func buildCore(
        on sockets: RelaySockets, expectedA: (rtp: SocketAddress, rtcp: SocketAddress)?,
        timeoutSuspended: Bool, onTimeout: (@Sendable () -> Void)?
    ) -> RelayCore {
        let core = RelayCore(
            sockets: sockets, timeout: self.configuration.inactivityTimeout, timeoutSuspended: timeoutSuspended,
            onTimeout: onTimeout)
        if let expectedA {
            core.setExpected(side: .a, rtp: expectedA.rtp, rtcp: expectedA.rtcp)
        }
        core.forwardOnPollerIfIdle()
        return core
    }

    private func session(on sockets: RelaySockets, core: RelayCoreCell) -> RelaySession {
        RelaySession(sockets: sockets, core: core, pool: self.pool, idle: self.idle, hops: self.hops, logger: self.logger)
    }

    /// Closes the sockets kept for reuse and returns their ports (at shutdown, or to give the
    /// ports back). Sessions closed later are kept again.
    public func closeIdleSessions() async {
        for sockets in self.idle?.removeAll() ?? [] {
            await self.closeAndRelease(sockets)
        }
    }

    /// How many closed sessions' socket sets are kept for reuse right now.
    public var idleSessionCount: Int { self.idle?.count ?? 0 }

    /// How many more sessions the relay can open now: two free port pairs make one, and a
    /// parked socket set is one (parked sets keep their ports reserved in the pool). Ports
    /// another process holds inside the range are not known until a bind meets them.
    public var sessionsAvailable: Int {
        max(0, self.pool.limit - self.pool.inUseCount) / 2 + self.idleSessionCount
    }
}
