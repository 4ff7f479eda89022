import NIOCore

/// When RTP last arrived on each side, and the inactivity timeout built on that.
///
/// Confined to the session's event loop. The forwarding handlers record activity once per read
/// batch; the timeout is one scheduled task at a time on the same loop that looks at the recorded
/// time when it fires, so nothing is rescheduled per packet.
final class RelayActivity {
    private(set) var lastRTPA: NIODeadline?
    private(set) var lastRTPB: NIODeadline?
    let eventLoop: EventLoop
    private var monitor: RelayInactivityMonitor?
    private var onTimeout: (@Sendable () -> Void)?
    private var scheduledCheck: Scheduled<Void>?
    /// Brings in arrival times recorded elsewhere (the relay poller) before a check decides;
    /// calls its argument on the loop when done.
    var beforeCheck: ((@escaping () -> Void) -> Void)?

    /// - Parameters:
    ///   - timeout: nothing (RTP, RTCP) from a watched side for this long ends the session; `nil` disables it.
    ///   - suspended: the timeout waits for ``setSuspended(_:)`` to start counting.
    ///   - onTimeout: called on the event loop, at most once.
    init(eventLoop: EventLoop, timeout: TimeAmount?, suspended: Bool = false, onTimeout: (@Sendable () -> Void)?) {
        self.eventLoop = eventLoop
        self.onTimeout = onTimeout
        if let timeout {
            self.monitor = RelayInactivityMonitor(timeout: timeout, now: .now(), suspended: suspended)
        }
    }

    /// Schedules the first check; call once, on the loop.
    func start() {
        if let action = self.monitor?.firstCheck { self.perform(action) }
    }

    func lastRTP(side: RelaySide) -> NIODeadline? {
        side == .a ? self.lastRTPA : self.lastRTPB
    }

    @inline(__always)
    func record(side: RelaySide, at time: NIODeadline) {
        // Times handed over from the poller may be older than one the loop recorded since.
        if side == .a {
            if time > (self.lastRTPA ?? .uptimeNanoseconds(0)) { self.lastRTPA = time }
        } else {
            if time > (self.lastRTPB ?? .uptimeNanoseconds(0)) { self.lastRTPB = time }
        }
        self.monitor?.recordActivity(side: side, at: time)
    }

    /// Brings in the arrival times the poller recorded, its four sockets in group order (RTP
    /// A, RTCP A, RTP B, RTCP B).
    func record(polled states: [RelayLegState]) {
        guard states.count == 4 else { return }
        if let time = states[0].lastReceived { self.record(side: .a, at: time) }
        if let time = states[1].lastReceived { self.recordControl(side: .a, at: time) }
        if let time = states[2].lastReceived { self.record(side: .b, at: time) }
        if let time = states[3].lastReceived { self.recordControl(side: .b, at: time) }
    }

    /// Notes that RTCP arrived on `side`: the phone is there, though it may send no media
    /// (silence suppressed), as Asterisk's `rtptimeout` counts RTCP too. Not media: the
    /// last-RTP time stays.
    func recordControl(side: RelaySide, at time: NIODeadline) {
        self.monitor?.recordActivity(side: side, at: time)
    }

    /// Chooses the sides whose silence ends the session (``RelayInactivityMonitor``).
    func setWatched(a: Bool, b: Bool) {
        guard let action = self.monitor?.setWatched(a: a, b: b, now: .now()) else { return }
        self.perform(action)
    }

    func setSuspended(_ suspended: Bool) {
        guard let action = self.monitor?.setSuspended(suspended, now: .now()) else { return }
        self.perform(action)
    }

    /// Stops the timeout for good (the session is closing).
    func stop() {
        self.scheduledCheck?.cancel()
        self.scheduledCheck = nil
        self.monitor = nil
        self.onTimeout = nil
    }

    private func check() {
        self.scheduledCheck = nil
        guard let beforeCheck = self.beforeCheck else { return self.decide(asOf: .now()) }
        // Decided as of the moment the poller's arrival times were asked for, not when they
        // are back: the reply waits for the loop, and a loop kept busy meanwhile (by SIP under
        // load, or a stalled task) must not count its own delay as silence on the call. Every
        // packet read before this moment is in the reply.
        let asked = NIODeadline.now()
        beforeCheck { self.decide(asOf: asked) }
    }

    private func decide(asOf time: NIODeadline) {
        guard let action = self.monitor?.check(now: time) else { return }
        self.perform(action)
    }

    private func perform(_ action: RelayInactivityMonitor.Action) {
        switch action {
        case .idle:
            break
        case .checkAgain(let deadline):
            self.scheduledCheck?.cancel()
            self.scheduledCheck = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                self.check()
            }
        case .fire:
            let onTimeout = self.onTimeout
            self.onTimeout = nil
            onTimeout?()
        }
    }
}
