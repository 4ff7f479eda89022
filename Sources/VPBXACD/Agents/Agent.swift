import Foundation

/// An agent as the distributor tracks it: profile, where they are logged in, their state and
/// the few facts the strategies need. Returned as a snapshot by `Distributor.agent(_:)`.
public struct Agent: Sendable, Equatable {
    public internal(set) var profile: AgentProfile
    /// The extension the agent logged in at (rung for offers); nil when logged out.
    public internal(set) var extensionNumber: String?
    /// The queues the agent takes calls from while logged in.
    public internal(set) var queues: Set<String>
    /// Logged in to every queue they are a member of: queues that add them later are joined
    /// too. False for a login to a chosen subset.
    public internal(set) var loggedInToAll: Bool
    public internal(set) var state: AgentState
    /// When `state` was entered: the base of "time in state".
    public internal(set) var stateSince: Date
    /// When the agent last became available after not being (login, unpause, wrap-up end,
    /// end of another call). A cancelled or missed offer does not reset it. `longestIdle` uses it.
    public internal(set) var idleSince: Date
    /// After a missed or declined offer the agent is not offered calls before this instant.
    public internal(set) var restingUntil: Date?
    /// The agent is also on a non-queue call; they become `otherCall` instead of `available`
    /// when their current state ends.
    public internal(set) var busyElsewhere: Bool
    /// A pause asked for during a queue call; applied when the call ends, instead of wrap-up.
    public internal(set) var pauseAfterCall: String?
    /// The caller whose wrap-up the agent is doing, if in wrap-up.
    var wrapUpCaller: String?
    /// Counters since the last statistics reset.
    var tallies: AgentTallies

    init(profile: AgentProfile, now: Date) {
        self.profile = profile
        self.extensionNumber = nil
        self.queues = []
        self.loggedInToAll = false
        self.state = .loggedOut
        self.stateSince = now
        self.idleSince = now
        self.restingUntil = nil
        self.busyElsewhere = false
        self.pauseAfterCall = nil
        self.wrapUpCaller = nil
        self.tallies = AgentTallies()
    }

    /// True when this agent may be offered a call from `queue` at `now`.
    func isOfferable(for queue: String, at now: Date) -> Bool {
        guard state == .available, queues.contains(queue) else { return false }
        if let restingUntil, restingUntil > now { return false }
        return true
    }

    var isLoggedIn: Bool { state != .loggedOut }

    var isPaused: Bool {
        if case .paused = state { return true }
        return false
    }
}
