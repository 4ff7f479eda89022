import NIOCore

/// All mutable state of one relay session, confined to the session's event loop.
///
/// Built on the loop once the four sockets are bound; the public ``RelaySession`` reaches it only
/// through `eventLoop.submit`, the forwarding handlers directly.
///
/// With a ``RelayPoller`` the poller forwards while the call is a plain bridge, and the
/// endpoints' latching state and counters are the poller's meanwhile (see
/// `RelayCore+Poller.swift`): everything that needs them goes through ``onEndpoints(_:)``.
final class RelayCore {
    let rtpA: RelayEndpoint
    let rtcpA: RelayEndpoint
    let rtpB: RelayEndpoint
    let rtcpB: RelayEndpoint
    let activity: RelayActivity
    private let forwarders: RelayForwarders
    /// The supervisor attached to this call, if any (one at a time).
    var monitor: RelayMonitor?
    /// The recording running on this call, if any.
    var recorder: RelayRecorder?
    /// Set once the session is closed or parked: nothing may attach any more.
    private(set) var isFinished = false
    let sockets: RelaySockets
    /// Who forwards the packets now; see `RelayCore+Poller.swift`.
    var owner = Owner.loop
    /// Work waiting for the poller to hand the endpoints back.
    var waitingForEndpoints: [() -> Void] = []
    /// Whether forwarding went to the poller before: a later hand-over follows a feature, with
    /// the loop reading the sockets and the poller not watching them.
    var handedOverBefore = false

    /// Attaches the sockets' forwarding handlers to this session's endpoints and starts the
    /// timeout (unless `timeoutSuspended`). Must run on the channels' event loop.
    init(sockets: RelaySockets, timeout: TimeAmount?, timeoutSuspended: Bool = false, onTimeout: (@Sendable () -> Void)?) {
        let loop = sockets.a.rtp.eventLoop
        loop.preconditionInEventLoop()
        self.rtpA = RelayEndpoint(side: .a, channel: sockets.a.rtp, sender: sockets.a.rtpSender)
        self.rtcpA = RelayEndpoint(side: .a, channel: sockets.a.rtcp, sender: sockets.a.rtcpSender)
        self.rtpB = RelayEndpoint(side: .b, channel: sockets.b.rtp, sender: sockets.b.rtpSender)
        self.rtcpB = RelayEndpoint(side: .b, channel: sockets.b.rtcp, sender: sockets.b.rtcpSender)
        self.activity = RelayActivity(eventLoop: loop, timeout: timeout, suspended: timeoutSuspended, onTimeout: onTimeout)
        self.forwarders = sockets.forwarders.value
        self.sockets = sockets

        self.forwarders.rtpA.attach(from: self.rtpA, to: self.rtpB, activity: self.activity)
        self.forwarders.rtpB.attach(from: self.rtpB, to: self.rtpA, activity: self.activity)
        self.forwarders.rtcpA.attach(from: self.rtcpA, to: self.rtcpB, activity: self.activity, isControl: true)
        self.forwarders.rtcpB.attach(from: self.rtcpB, to: self.rtcpA, activity: self.activity, isControl: true)
        self.activity.beforeCheck = { [weak self] done in
            guard let self else { return done() }
            self.refreshActivity(then: done)
        }
        self.activity.start()
    }

    /// The four endpoints in the poller's group order: RTP A, RTCP A, RTP B, RTCP B.
    var endpoints: [RelayEndpoint] { [self.rtpA, self.rtcpA, self.rtpB, self.rtcpB] }

    /// Whether something on the loop needs this session's packets (so the poller must not
    /// forward them): music on hold, a supervisor, a recording, keys watched. SRTP does not:
    /// the poller decrypts and encrypts with the same termination.
    var needsPacketsOnLoop: Bool {
        self.monitor != nil || self.recorder != nil || self.rtpA.digitWatcher != nil || self.rtpB.digitWatcher != nil
            || self.rtpA.injector != nil || self.rtpB.injector != nil || self.rtpA.mixedByMonitor
            || self.rtpB.mixedByMonitor
    }

    /// Terminates SRTP for `side`'s phone with `keys` from its next packet on (nil: its
    /// packets pass as they are again).
    func setSRTP(_ keys: RelaySRTPKeys?, on side: RelaySide) {
        if let keys, let current = self.rtp(side).srtp {
            current.update(to: keys)
            return
        }
        let srtp = keys.map(RelaySRTP.init)
        self.rtp(side).srtp = srtp
        self.rtcp(side).srtp = srtp
    }

    /// Unhooks the session from its sockets so they can serve another session: stops the
    /// timeout and detaches the forwarding handlers (packets arriving meanwhile are dropped).
    /// The counters stay, for the closed session's final statistics. Returns whether every
    /// socket is still open, i.e. fit for reuse.
    func detach() -> Bool {
        self.finish()
        for handler in self.forwarders.all { handler.detach() }
        var reusable = true
        for endpoint in self.endpoints {
            // Only a forwarded packet that took NIO's write path can still be queued (everything
            // else that writes flushes at once); a flush through the pipeline per socket per
            // call showed in profiles.
            if endpoint.needsFlush {
                endpoint.needsFlush = false
                endpoint.channel.flush()
            }
            if !endpoint.channel.isActive { reusable = false }
        }
        return reusable
    }

    /// Stops everything that generates media in this session (the forwarding handlers stay
    /// until ``detach()`` or the sockets close).
    func finish() {
        self.isFinished = true
        self.activity.stop()
        self.monitor?.end()
        self.monitor = nil
        self.recorder?.end()
        self.recorder = nil
        self.stopPlaying(toward: .a)
        self.stopPlaying(toward: .b)
        self.rtpA.digitWatcher = nil
        self.rtpB.digitWatcher = nil
    }

    /// Replaces what `side` hears with `audio` until ``stopPlaying(toward:)``; a second call
    /// switches to the new audio as a new stream.
    func play(_ audio: RelayAudioLoop, toward side: RelaySide) {
        self.stopPlaying(toward: side)
        var random = SystemRandomNumberGenerator()
        let injector = RelayAudioInjector(
            audio: audio, endpoint: self.rtp(side), ssrc: random.next(), firstSequence: random.next(),
            firstTimestamp: random.next())
        self.rtp(side).injector = injector
        injector.begin()
    }

    /// Goes back to forwarding the other side's media to `side`.
    func stopPlaying(toward side: RelaySide) {
        self.rtp(side).injector?.stop()
        self.rtp(side).injector = nil
    }

    func rtp(_ side: RelaySide) -> RelayEndpoint { side == .a ? self.rtpA : self.rtpB }

    /// Converts what each side's phone sends for the other (nil: passes it unchanged), here
    /// and, while the poller has the sockets, there too: a command applied before its next
    /// packets, without taking the session back to the loop.
    func setTranslations(fromA: RelayVoiceTranslation?, fromB: RelayVoiceTranslation?) {
        self.rtpA.translation = fromA
        self.rtpB.translation = fromB
        guard self.owner != .loop, let poller = self.sockets.poller, let group = self.sockets.group else { return }
        poller.send(.translate(group, index: 0, fromA), urgent: false)
        poller.send(.translate(group, index: 2, fromB), urgent: false)
    }

    func rtcp(_ side: RelaySide) -> RelayEndpoint { side == .a ? self.rtcpA : self.rtcpB }

    /// The counters as the endpoints hold them; only while the loop owns them.
    func statistics() -> RelayStatistics {
        var statistics = RelayStatistics()
        for side in RelaySide.allCases {
            var sideStatistics = RelaySideStatistics()
            sideStatistics.rtp = self.rtp(side).counters
            sideStatistics.rtcp = self.rtcp(side).counters
            sideStatistics.lastRTPReceived = self.activity.lastRTP(side: side)
            sideStatistics.rtpRemote = self.rtp(side).target
            sideStatistics.isLatched = self.rtp(side).isLatched
            sideStatistics.isPlaying = self.rtp(side).injector != nil
            sideStatistics.terminatesSRTP = self.rtp(side).srtp != nil
            statistics[side] = sideStatistics
        }
        return statistics
    }
}
