import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The anchored media of one call: four UDP sockets on one event loop, forwarding RTP and RTCP
/// between side A and side B.
///
/// Announce ``aPort`` in the SDP sent to leg A and ``bPort`` in the SDP sent to leg B (RTCP on
/// the next port up). Each side latches to the source address of the first packet it receives
/// (symmetric RTP, so phones behind NAT work); until then it sends to the address given with
/// ``setExpectedRemote(side:host:port:rtcpPort:)``, and without either, packets for it are
/// dropped and counted.
///
/// Thread-safe: every method may be called from anywhere. The state lives on the session's
/// event loop and the methods hop there.
public final class RelaySession: Sendable {
    /// The A-side RTP port (RTCP is `aPort + 1`); leg A sends here.
    public let aPort: Int
    /// The B-side RTP port (RTCP is `bPort + 1`); leg B sends here.
    public let bPort: Int
    /// The event loop that runs all of this session's I/O.
    public let eventLoop: any EventLoop

    private let sockets: RelaySockets
    /// The session's state; reached on ``eventLoop`` only, through ``RelayCoreCell/withCore(_:)``.
    let core: RelayCoreCell
    private let pool: RTPPortPool
    private let idle: RelayIdleSockets?
    /// The relay's: loop hops made while the PBX core handles a batch share a wake-up.
    private let hops: LoopTaskGatherer
    private let logger: Logger
    /// Completes once the session is closed; set by the first close.
    private let closing = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)

    init(
        sockets: RelaySockets, core: RelayCoreCell, pool: RTPPortPool, idle: RelayIdleSockets?,
        hops: LoopTaskGatherer, logger: Logger
    ) {
        self.aPort = sockets.a.port
        self.bPort = sockets.b.port
        self.eventLoop = sockets.a.rtp.eventLoop
        self.sockets = sockets
        self.core = core
        self.pool = pool
        self.idle = idle
        self.hops = hops
        self.logger = logger
    }

    /// The RTP port of `side`.
    public func port(for side: RelaySide) -> Int { side == .a ? self.aPort : self.bPort }

    /// Tells where `side`'s phone wants media (from its SDP), for use until a packet from it
    /// latches the real address. An already latched address stays until ``relatch(side:)``.
    ///
    /// - Parameters:
    ///   - host: a numeric IP address (SDP `c=`); names are not resolved on the media path.
    ///   - rtcpPort: from SDP `a=rtcp`, else `port + 1`.
    /// - Throws: ``RTPRelayError/Code/invalidAddress`` if `host` is not an IP address.
    public func setExpectedRemote(side: RelaySide, host: String, port: Int, rtcpPort: Int? = nil) async throws {
        let rtp: SocketAddress
        let rtcp: SocketAddress
        do {
            rtp = try SocketAddress.numeric(host: host, port: port)
            rtcp = try SocketAddress.numeric(host: host, port: rtcpPort ?? port + 1)
        } catch {
            throw RTPRelayError(
                .invalidAddress,
                "media address '\(host)' port \(port) is not a numeric IP address and port; "
                    + "pass the address from the SDP c= line"
            )
        }
        try await self.onLoop { core in core.setExpected(side: side, rtp: rtp, rtcp: rtcp) }
    }

    /// ``setExpectedRemote(side:host:port:rtcpPort:)`` without waiting, for callers that do not
    /// need to know when it applied: one task on the session's loop instead of a Swift task
    /// plus two thread hand-offs. Changes apply in call order. An address that is not numeric
    /// is ignored (and logged).
    public func updateExpectedRemote(side: RelaySide, host: String, port: Int, rtcpPort: Int? = nil) {
        guard let expected = Self.expectedAddresses(host: host, port: port, rtcpPort: rtcpPort) else {
            self.logger.debug("ignoring a non-numeric media address", metadata: ["host": "\(host)", "port": "\(port)"])
            return
        }
        let core = self.core
        self.hops.execute(on: self.eventLoop) {
            core.withCore { $0.setExpected(side: side, rtp: expected.rtp, rtcp: expected.rtcp) }
        }
    }

    /// The RTP and RTCP addresses an SDP announces (RTCP on the next port unless given), or
    /// nil when the host is not a numeric address.
    static func expectedAddresses(host: String, port: Int, rtcpPort: Int? = nil) -> (rtp: SocketAddress, rtcp: SocketAddress)? {
        guard let rtp = try? SocketAddress.numeric(host: host, port: port),
            let rtcp = try? SocketAddress.numeric(host: host, port: rtcpPort ?? port + 1)
        else { return nil }
        return (rtp, rtcp)
    }

    /// Lets `side` latch again: the next packet received on it, from whatever source, becomes
    /// its address. Call after a re-INVITE (the phone may have moved); until that packet arrives,
    /// media goes to the latest SDP address if one was given. `awayFromCurrent`: another phone
    /// takes the side over (a transfer's target answered), and packets from the address
    /// latched now (the phone leaving, which may still send for a moment) do not latch it,
    /// unless that is the new SDP address.
    public func relatch(side: RelaySide, awayFromCurrent: Bool = false) async throws {
        try await self.onLoop { core in core.relatch(side: side, awayFromCurrent: awayFromCurrent) }
    }

    /// Suspends (or resumes) the inactivity timeout, for hold (`sendonly`/`inactive`), when a
    /// silent side is expected. Resuming starts a fresh timeout period.
    public func setTimeoutSuspended(_ suspended: Bool) async throws {
        try await self.onLoop { core in core.activity.setSuspended(suspended) }
    }

    /// Which sides' silence ends the session (by default either side's). A side not expected
    /// to send is not watched: one of the engine's own applications (a queue's music, a menu),
    /// which sends on after the caller's phone is gone, or a phone whose SDP says `recvonly`
    /// or `inactive`. A side watched anew gets a whole period from now. Applies in call order
    /// with the other non-waiting methods.
    public func updateTimeoutWatchedSides(a: Bool, b: Bool) {
        let core = self.core
        self.hops.execute(on: self.eventLoop) {
            core.withCore { $0.activity.setWatched(a: a, b: b) }
        }
    }

    /// ``setTimeoutSuspended(_:)`` without waiting; applies in call order with
    /// ``updateExpectedRemote(side:host:port:rtcpPort:)`` and the other non-waiting methods.
    /// Two hold changes in a row must not land the other way round: the call would then stay
    /// on hold as far as its timeout knows.
    public func updateTimeoutSuspended(_ suspended: Bool) {
        let core = self.core
        self.hops.execute(on: self.eventLoop) {
            core.withCore { $0.activity.setSuspended(suspended) }
        }
    }

    /// Plays `audio` in a loop to `side`'s phone, out of the side's own RTP socket (so a phone
    /// behind NAT, latched or not, gets it like the call's media), instead of forwarding what
    /// the other side sends: music on hold. Applies in call order with the other non-waiting
    /// methods; ``stopPlaying(toward:)`` resumes forwarding.
    public func play(_ audio: RelayAudioLoop, toward side: RelaySide) {
        let core = self.core
        self.eventLoop.execute {
            core.withCore { core in
                core.onEndpoints {
                    // A play that arrives after the close must not start music on a parked socket.
                    guard !core.isFinished else { return }
                    core.play(audio, toward: side)
                }
            }
        }
    }

    /// Converts the voice each side's phone sends into the other side's G.711 law (and
    /// payload types) from now on; nil for a side passes its packets as they are. Applies in
    /// call order with the other non-waiting methods, wherever the session is forwarded (its
    /// loop or the poller).
    public func translateVoice(fromA: RelayVoiceTranslation?, fromB: RelayVoiceTranslation?) {
        let core = self.core
        self.hops.execute(on: self.eventLoop) {
            core.withCore { core in
                guard !core.isFinished else { return }
                core.setTranslations(fromA: fromA, fromB: fromB)
            }
        }
    }

    /// Decrypts what `side`'s phone sends and encrypts what it gets (SRTP with SDES keys, RFC
    /// 3711) from now on, so the rest of the relay (the other side, music, recording,
    /// listening, keys) works on plain RTP; nil: its packets pass as they are again. Where
    /// the poller forwards the session, the keys change on the loop while it has handed the
    /// packets back, and go to the poller with them. Applies in call order with the other
    /// non-waiting methods.
    public func terminateSRTP(_ keys: RelaySRTPKeys?, on side: RelaySide) {
        let core = self.core
        self.eventLoop.execute {
            core.withCore { core in
                core.onEndpoints {
                    guard !core.isFinished else { return }
                    core.setSRTP(keys, on: side)
                }
            }
        }
    }

    /// Reports the keys `side`'s phone presses to `onDigit`, on the session's loop, until
    /// ``stopWatchingDigits(from:)``: RFC 4733 events under `eventPayloadType`, and keys in
    /// the audio heard by the listener `audioKeys` makes (on the loop; nil: none for this
    /// stream). The packets
    /// are forwarded as usual besides. Applies in call order with the other non-waiting methods.
    public func watchDigits(
        from side: RelaySide, eventPayloadType: UInt8?, audioKeys: (@Sendable () -> (any RelayAudioKeyListener)?)? = nil,
        onDigit: @escaping @Sendable (Character) -> Void
    ) {
        let core = self.core
        self.eventLoop.execute {
            core.withCore { core in
                core.onEndpoints {
                    guard !core.isFinished else { return }
                    core.rtp(side).digitWatcher = RelayDigitWatcher(
                        eventPayloadType: eventPayloadType, audio: audioKeys?() ?? nil, onDigit: onDigit)
                }
            }
        }
    }

    /// Stops what ``watchDigits(from:eventPayloadType:onDigit:)`` started.
    public func stopWatchingDigits(from side: RelaySide) {
        let core = self.core
        self.eventLoop.execute {
            core.withCore { core in
                // The poller forwards only while nothing watches: then there is nothing to stop.
                guard core.owner != .poller else { return }
                core.onEndpoints { core.rtp(side).digitWatcher = nil }
            }
        }
    }

    /// Stops what ``play(_:toward:)`` started; forwarding to `side` resumes with the next packet.
    public func stopPlaying(toward side: RelaySide) {
        let core = self.core
        self.eventLoop.execute {
            core.withCore { core in
                // The poller forwards only while nothing plays: then there is nothing to stop.
                guard core.owner != .poller else { return }
                core.onEndpoints { core.stopPlaying(toward: side) }
            }
        }
    }

    /// A consistent snapshot of the counters, taken on the session's loop. Still available
    /// after ``close()`` (final figures for the CDR).
    public func statistics() async throws -> RelayStatistics {
        let core = self.core
        let promise = self.eventLoop.makePromise(of: RelayStatistics.self)
        self.eventLoop.execute { core.withCore { $0.statistics { promise.succeed($0) } } }
        return try await promise.futureResult.get()
    }

    /// Closes the four sockets, stops the timeout and returns the ports to the pool; or, when
    /// the relay keeps idle sessions, parks the sockets for a later session instead.
    /// Idempotent: later and concurrent calls wait for the same close.
    public func close() async {
        try? await self.startClosing().get()
    }

    /// ``close()`` without waiting for it to finish.
    public func closeWithoutWaiting() {
        _ = self.startClosing()
    }

    /// The close runs on the session's loop as one task, with no Swift task and no await per
    /// socket: a call's tear-down costs one hand-off to the loop.
    private func startClosing() -> EventLoopFuture<Void> {
        let (future, promise) = self.closing.withLockedValue {
            closing -> (EventLoopFuture<Void>, EventLoopPromise<Void>?) in
            if let closing { return (closing, nil) }
            let promise = self.eventLoop.makePromise(of: Void.self)
            closing = promise.futureResult
            return (promise.futureResult, promise)
        }
        if let promise {
            self.hops.execute(on: self.eventLoop) { self.closeOnLoop(promise) }
        }
        return future
    }

    private func closeOnLoop(_ promise: EventLoopPromise<Void>) {
        self.core.withCore { core in
            core.release { reusable in self.finishClosing(reusable: reusable, promise) }
        }
    }

    /// Parks the detached sockets for another session, or closes them and returns the ports.
    private func finishClosing(reusable: Bool, _ promise: EventLoopPromise<Void>) {
        if let idle = self.idle, reusable, idle.park(self.sockets) {
            self.logger.debug("RTP relay session parked", metadata: ["a": "\(self.aPort)", "b": "\(self.bPort)"])
            promise.succeed()
            return
        }
        // The poller lets go of the descriptors before they are closed (and their numbers
        // reused); ports go back only once every socket is closed, so the next bind can
        // have them.
        self.sockets.unregister {
            let closes = self.sockets.all.map { $0.close() }
            EventLoopFuture.andAllComplete(closes, on: self.eventLoop).whenComplete { _ in
                self.pool.release(self.aPort)
                self.pool.release(self.bPort)
                self.logger.debug("RTP relay session closed", metadata: ["a": "\(self.aPort)", "b": "\(self.bPort)"])
                promise.succeed()
            }
        }
    }

    /// Runs `body` with the session's state on its loop (once built) and returns its result.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (RelayCore) -> T) async throws -> T {
        let core = self.core
        let loop = self.eventLoop
        return try await loop.flatSubmit {
            let promise = loop.makePromise(of: T.self)
            core.withCore { promise.succeed(body($0)) }
            return promise.futureResult
        }.get()
    }
}
