import NIOCore

/// Decides when a relay session counts as dead: no RTP from either side for `timeout`.
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
        /// No check needed (suspended, or already fired).
        case idle
    }

    let timeout: TimeAmount
    private var lastActivity: NIODeadline
    private var isSuspended = false
    private var hasFired = false

    /// Starts counting at `now`, so a session nobody ever sends to times out too; or, when
    /// `suspended`, only once ``setSuspended(_:now:)`` lifts it (a call still ringing has no
    /// media to miss).
    init(timeout: TimeAmount, now: NIODeadline, suspended: Bool = false) {
        self.timeout = timeout
        self.lastActivity = now
        self.isSuspended = suspended
    }

    /// The first check, right after creation.
    var firstCheck: Action { self.isSuspended ? .idle : .checkAgain(at: self.lastActivity + self.timeout) }

    /// Notes that RTP arrived at `time`.
    mutating func recordActivity(at time: NIODeadline) {
        if time > self.lastActivity { self.lastActivity = time }
    }

    /// A scheduled check ran at `now`.
    mutating func check(now: NIODeadline) -> Action {
        guard !self.isSuspended, !self.hasFired else { return .idle }
        let deadline = self.lastActivity + self.timeout
        guard now >= deadline else { return .checkAgain(at: deadline) }
        self.hasFired = true
        return .fire
    }

    /// Hold (sendonly/inactive) suspends the timeout; resuming starts a fresh period at `now`, so
    /// a long hold does not end the call the moment it is taken off hold.
    mutating func setSuspended(_ suspended: Bool, now: NIODeadline) -> Action {
        guard suspended != self.isSuspended else { return .idle }
        self.isSuspended = suspended
        guard !suspended, !self.hasFired else { return .idle }
        self.lastActivity = now
        return .checkAgain(at: now + self.timeout)
    }
}
