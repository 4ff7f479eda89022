import Foundation

extension Distributor {
    /// The live picture of `queue` at `now`, from current state only.
    public func liveStatistics(of queue: String, now: Date) -> QueueLiveStatistics? {
        guard let settings = queues[queue]?.settings else { return nil }
        var live = QueueLiveStatistics(queue: queue)
        for entry in waiting where entry.queue == queue {
            live.callsWaiting += 1
            live.longestCurrentWait = max(live.longestCurrentWait, now.timeIntervalSince(entry.joinedAt))
        }
        for member in settings.members {
            guard let agent = agents[member.agent], agent.isLoggedIn, agent.queues.contains(queue) else { continue }
            live.agentsLoggedIn += 1
            switch agent.state {
            case .available:
                live.agentsAvailable += 1
                if let resting = agent.restingUntil, resting > now { live.agentsResting += 1 }
            case .ringing: live.agentsRinging += 1
            case .onCall: live.agentsOnCall += 1
            case .wrapUp: live.agentsInWrapUp += 1
            case .paused: live.agentsPaused += 1
            case .otherCall: live.agentsOnOtherCall += 1
            case .loggedOut: break
            }
        }
        return live
    }

    /// The figures of `queue` since the last reset (`statisticsSince`).
    public func totals(of queue: String) -> QueueTotals? {
        queues[queue]?.statistics.total
    }

    /// The figures of `queue` over the rolling window ending at `now`.
    public func windowTotals(of queue: String, now: Date) -> QueueTotals? {
        queues[queue]?.statistics.window.totals(at: now)
    }

    /// The first instant counted by `windowTotals(of:now:)`.
    public func windowStart(at now: Date) -> Date {
        RollingTotals(windowSeconds: windowSeconds, slotSeconds: slotSeconds).windowStart(at: now)
    }

    /// An agent's state, time in state and counters since the last reset.
    public func agentStatistics(of number: String, now: Date) -> AgentStatistics? {
        guard let agent = agents[number] else { return nil }
        return AgentStatistics(
            agent: number, name: agent.profile.name, state: agent.state,
            timeInState: now.timeIntervalSince(agent.stateSince), callsHandled: agent.tallies.callsHandled,
            talkTime: agent.tallies.talkTime, holdTime: agent.tallies.holdTime, wrapUpTime: agent.tallies.wrapUpTime,
            missedOffers: agent.tallies.missedOffers, pauses: agent.tallies.pauses, since: statisticsSince)
    }

    /// Starts a new statistics period at `now` (the engine calls this at local midnight, see
    /// `LocalMidnight.next(after:in:)`): queue totals and agent counters restart from zero, and
    /// `fewestCalls` counts from zero again. The rolling window is unaffected.
    public mutating func resetStatistics(at now: Date) {
        statisticsSince = now
        for name in queues.keys {
            queues[name]?.statistics.reset(at: now)
            queues[name]?.answeredBy = [:]
        }
        for number in agents.keys {
            agents[number]?.tallies = AgentTallies()
        }
    }
}
