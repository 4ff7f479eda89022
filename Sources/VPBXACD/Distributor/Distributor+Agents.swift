import Foundation

extension Distributor {
    /// The agent logs in at `extension` to `queues` (nil: every queue listing them as a
    /// member). Logging in again changes the extension and queues and keeps the state.
    public mutating func agentLoggedIn(
        _ number: String, at extensionNumber: String, queues wanted: Set<String>? = nil, now: Date
    ) throws(ACDError) -> ACDOutput {
        guard let agent = agents[number] else { throw .unknownAgent(number) }
        let memberOf = Set(queues.values.filter { $0.settings.member(number) != nil }.map(\.settings.name))
        var chosen = memberOf
        if let wanted {
            for queue in wanted.sorted() {
                guard queues[queue] != nil else { throw .unknownQueue(queue) }
                guard memberOf.contains(queue) else { throw .notAMember(agent: number, queue: queue) }
            }
            chosen = wanted
        }
        guard !chosen.isEmpty else { throw .noQueues(agent: number) }
        agents[number]?.extensionNumber = extensionNumber
        agents[number]?.queues = chosen
        agents[number]?.loggedInToAll = wanted == nil
        if agent.state == .loggedOut {
            agents[number]?.restingUntil = nil
            if let call = calls.values.first(where: { $0.agent == number && $0.endedAt == nil }) {
                // Logged out and back in during a queue call: still on it.
                setState(number, .onCall(caller: call.caller), now: now)
            } else {
                becomeFree(number, now: now)
            }
        }
        return finish(now)
    }

    /// The agent logs out of all queues. A ringing offer is withdrawn (the caller goes to the
    /// next agent), a wrap-up ends now; a queue call in progress goes on without them.
    /// Whether the extension is busy with other calls is forgotten: the next login may be at
    /// another extension, and the engine reports its state after the login.
    public mutating func agentLoggedOut(_ number: String, now: Date) -> ACDOutput {
        guard let agent = agents[number], agent.isLoggedIn else { return finish(now) }
        withdrawOffer(from: number)
        if case .wrapUp = agent.state { finishWrapUp(number, now: now) }
        setState(number, .loggedOut, now: now)
        agents[number]?.queues = []
        agents[number]?.loggedInToAll = false
        agents[number]?.extensionNumber = nil
        agents[number]?.pauseAfterCall = nil
        agents[number]?.restingUntil = nil
        agents[number]?.busyElsewhere = false
        return finish(now)
    }

    /// The agent pauses with `reason`. Ringing: the offer is withdrawn. Wrap-up: it ends now.
    /// On a queue call: the pause starts when the call ends, instead of wrap-up. Pausing while
    /// paused changes the reason (the old pause is counted as finished).
    public mutating func agentPaused(_ number: String, reason: String, now: Date) -> ACDOutput {
        guard let agent = agents[number], agent.isLoggedIn else { return finish(now) }
        switch agent.state {
        case .onCall:
            agents[number]?.pauseAfterCall = reason
        case .wrapUp:
            finishWrapUp(number, now: now)
            setState(number, .paused(reason: reason), now: now)
        case .ringing:
            withdrawOffer(from: number)
            setState(number, .paused(reason: reason), now: now)
        case .available, .otherCall, .paused, .loggedOut:
            setState(number, .paused(reason: reason), now: now)
        }
        return finish(now)
    }

    /// The agent ends a pause (or cancels a pause asked for during a call).
    public mutating func agentUnpaused(_ number: String, now: Date) -> ACDOutput {
        guard let agent = agents[number] else { return finish(now) }
        agents[number]?.pauseAfterCall = nil
        if agent.isPaused {
            agents[number]?.restingUntil = nil
            becomeFree(number, now: now)
        }
        return finish(now)
    }

    /// The agent ends wrap-up early ("ready").
    public mutating func wrapUpEnded(_ number: String, now: Date) -> ACDOutput {
        guard case .wrapUp = agents[number]?.state else { return finish(now) }
        finishWrapUp(number, now: now)
        becomeFree(number, now: now)
        return finish(now)
    }

    /// The agent's extension is on a call that is not from a queue: no queue offers until
    /// `agentFreeElsewhere`. A ringing queue offer is withdrawn (not counted as missed).
    public mutating func agentBusyElsewhere(_ number: String, now: Date) -> ACDOutput {
        guard let agent = agents[number] else { return finish(now) }
        agents[number]?.busyElsewhere = true
        switch agent.state {
        case .available:
            setState(number, .otherCall, now: now)
        case .ringing:
            withdrawOffer(from: number)
            setState(number, .otherCall, now: now)
        default:
            break
        }
        return finish(now)
    }

    /// The agent's non-queue call ended.
    public mutating func agentFreeElsewhere(_ number: String, now: Date) -> ACDOutput {
        guard let agent = agents[number] else { return finish(now) }
        agents[number]?.busyElsewhere = false
        if agent.state == .otherCall { becomeFree(number, now: now) }
        return finish(now)
    }

    // MARK: State changes

    /// Every state change goes through here, so pause and wrap-up time are counted once.
    /// Time before the statistics reset is not counted.
    mutating func setState(_ number: String, _ state: AgentState, now: Date) {
        guard let agent = agents[number], agent.state != state else { return }
        let countedFrom = max(agent.stateSince, statisticsSince)
        let spent = max(0, now.timeIntervalSince(countedFrom))
        switch agent.state {
        case .paused(let reason):
            agents[number]?.tallies.pauses[reason, default: PauseTally()].count += 1
            agents[number]?.tallies.pauses[reason, default: PauseTally()].duration += spent
        case .wrapUp:
            agents[number]?.tallies.wrapUpTime += spent
        default:
            break
        }
        agents[number]?.state = state
        agents[number]?.stateSince = now
    }

    /// The agent becomes free after not being (login, unpause, wrap-up end, other call end):
    /// idle time starts now.
    mutating func becomeFree(_ number: String, now: Date) {
        guard let agent = agents[number] else { return }
        if agent.busyElsewhere {
            setState(number, .otherCall, now: now)
        } else {
            setState(number, .available, now: now)
            agents[number]?.idleSince = now
        }
    }

    /// A ringing agent whose offer ended without a call goes back to what they were doing;
    /// idle time goes on.
    mutating func returnToAvailable(_ number: String, now: Date) {
        guard case .ringing = agents[number]?.state else { return }
        setState(number, agents[number]?.busyElsewhere == true ? .otherCall : .available, now: now)
    }

    /// The agent let an offer from `queue` ring out (`pause` per the queue) or declined it.
    mutating func missed(_ number: String, queue: String, pause: Bool, now: Date) {
        guard agents[number] != nil else { return }
        agents[number]?.tallies.missedOffers += 1
        if pause {
            setState(number, .paused(reason: QueueSettings.noAnswerPauseReason), now: now)
        } else {
            returnToAvailable(number, now: now)
            let delay = TimeInterval(queues[queue]?.settings.retryDelaySeconds ?? 0)
            agents[number]?.restingUntil = delay > 0 ? now.addingTimeInterval(delay) : nil
        }
    }

    /// Takes a ringing agent out of their offer and tells the PBX to stop ringing them.
    mutating func withdrawOffer(from number: String) {
        guard case .ringing(let caller) = agents[number]?.state,
            let index = waiting.firstIndex(where: { $0.id == caller })
        else { return }
        pendingActions.append(.cancelOffer(caller: caller, agents: [number]))
        removeFromOffer(number, callerIndex: index)
    }

    /// Ends the agent's wrap-up: the call's record is written. The caller sets the next state.
    mutating func finishWrapUp(_ number: String, now: Date) {
        if let caller = agents[number]?.wrapUpCaller {
            complete(caller, now: now)
        }
        agents[number]?.wrapUpCaller = nil
    }
}
