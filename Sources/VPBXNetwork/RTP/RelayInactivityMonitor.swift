import NIOCore

/// Decides when a relay session counts as dead: a watched side sent no RTP (nor RTCP) for
/// `timeout`.
///
/// Each side is timed on its own silence, as Asterisk's `rtptimeout` and FreeSWITCH's
/// `media_timeout` time each leg: a phone that vanished without a BYE ends its call although
/// the other phone talks on. A side not expected to send is not watched: one of the engine's
/// own applications (it sends on whatever happened to the caller), or a phone whose SDP says
/// `recvonly` or `inactive`.
///
/// A pure state machine with the clock passed in, so it is tested without sockets or sleeps.
/// Its owner keeps one scheduled check at a time: packets only record the time of activity (no
/// timer is touched per packet), and when the check fires it either reports the timeout or says
/// when to look again. That costs one wake-up per `timeout` while media flows.
struct RelayInactivityMonitor {
    enum Action: Equatable {
        /// Report the timeout (at most once per monitor).
        case fire
        /// Nothing to report yet; check again at this time.
        case checkAgain(at: NIODeadline)
        /// No check needed (suspended, nothing watched, or already fired).
        case idle
    }

    let timeout: TimeAmount
    private var lastActivityA: NIODeadline
    private var lastActivityB: NIODeadline
    private var watchesA = true
    private var watchesB = true
    private var isSuspended = false
    private var hasFired = false

    /// Starts counting at `now`, so a session nobody ever sends to times out too; or, when
    /// `suspended`, only once ``setSuspended(_:now:)`` lifts it (a call still ringing has no
    /// media to miss).
    init(timeout: TimeAmount, now: NIODeadline, suspended: Bool = false) {
        self.timeout = timeout
        self.lastActivityA = now
        self.lastActivityB = now
        self.isSuspended = suspended
    }

    /// The first check, right after creation.
    var firstCheck: Action { self.nextCheck }

    /// Notes that RTP or RTCP arrived on `side` at `time`.
    mutating func recordActivity(side: RelaySide, at time: NIODeadline) {
        if side == .a {
            if time > self.lastActivityA { self.lastActivityA = time }
        } else {
            if time > self.lastActivityB { self.lastActivityB = time }
        }
    }

    /// A scheduled check ran at `now`.
    mutating func check(now: NIODeadline) -> Action {
        guard case .checkAgain(let deadline) = self.nextCheck else { return .idle }
        guard now >= deadline else { return .checkAgain(at: deadline) }
        self.hasFired = true
        return .fire
    }

    /// Hold (sendonly/inactive) suspends the timeout; resuming starts a fresh period at `now`, so
    /// a long hold does not end the call the moment it is taken off hold.
    mutating func setSuspended(_ suspended: Bool, now: NIODeadline) -> Action {
        guard suspended != self.isSuspended else { return .idle }
        self.isSuspended = suspended
        guard !suspended else { return .idle }
        self.lastActivityA = now
        self.lastActivityB = now
        return self.nextCheck
    }

    /// Chooses the sides whose silence ends the session. A side watched anew gets a whole
    /// period from `now`: it may have been silent, rightly, until this moment (a phone that
    /// just took over from an application).
    mutating func setWatched(a: Bool, b: Bool, now: NIODeadline) -> Action {
        if a, !self.watchesA, now > self.lastActivityA { self.lastActivityA = now }
        if b, !self.watchesB, now > self.lastActivityB { self.lastActivityB = now }
        self.watchesA = a
        self.watchesB = b
        return self.nextCheck
    }

    /// When the first watched side's silence runs out, if anything is being timed.
    private var nextCheck: Action {
        guard !self.isSuspended, !self.hasFired else { return .idle }
        switch (self.watchesA, self.watchesB) {
        case (true, true): return .checkAgain(at: min(self.lastActivityA, self.lastActivityB) + self.timeout)
        case (true, false): return .checkAgain(at: self.lastActivityA + self.timeout)
        case (false, true): return .checkAgain(at: self.lastActivityB + self.timeout)
        case (false, false): return .idle
        }
    }
}
