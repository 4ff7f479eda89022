import Foundation

extension Distributor {
    /// A caller arrives at `queue`. Rejected at once when the queue is empty by its join rule
    /// or full; otherwise queued behind callers of equal or higher priority, and offered to an
    /// agent in the same output when one is free.
    public mutating func callerJoined(
        _ caller: String, queue: String, priority: Int = 0, now: Date
    ) throws(ACDError) -> ACDOutput {
        guard let settings = queues[queue]?.settings else { throw .unknownQueue(queue) }
        guard !waiting.contains(where: { $0.id == caller }), calls[caller] == nil else {
            throw .duplicateCaller(caller)
        }
        var refusal: QueueExitReason?
        if isEmpty(queue, by: settings.rejectJoinWhen) {
            refusal = .queueEmpty
        } else if let maxLength = settings.maxLength, waiting.count(where: { $0.queue == queue }) >= maxLength {
            refusal = .queueFull
        }
        if let refusal {
            count(.rejected, queue: queue, at: now)
            pendingRecords.append(
                QueueCallRecord(
                    queue: queue, caller: caller, priority: priority, joinedAt: now, outcome: .rejected,
                    exitReason: refusal, leftQueueAt: now, waitSeconds: 0))
            pendingActions.append(
                .reject(caller: caller, queue: queue, destination: settings.overflowDestination, reason: refusal))
            return finish(now)
        }
        count(.joined, queue: queue, at: now)
        let entry = WaitingCaller(id: caller, queue: queue, priority: priority, joinedAt: now, offer: nil)
        // After everyone of equal or higher priority: FIFO within a priority. Inputs arrive in
        // time order, so list order is arrival order; no sequence number is needed.
        let position = waiting.firstIndex { $0.priority < priority } ?? waiting.endIndex
        waiting.insert(entry, at: position)
        return finish(now)
    }

    /// The caller hung up while waiting: an abandon, short when
    /// before the queue's threshold. Ringing agents are released. For an answered caller this
    /// is the end of the queue call.
    public mutating func callerLeft(_ caller: String, now: Date) -> ACDOutput {
        if calls[caller] != nil { return queueCallEnded(caller: caller, now: now) }
        guard let index = waiting.firstIndex(where: { $0.id == caller }) else { return finish(now) }
        let entry = waiting.remove(at: index)
        releaseOffer(of: entry, now: now)
        let wait = now.timeIntervalSince(entry.joinedAt)
        let threshold = TimeInterval(queues[entry.queue]?.settings.shortAbandonSeconds ?? 0)
        let short = wait < threshold
        count(.abandoned(wait: wait, short: short), queue: entry.queue, at: now)
        pendingRecords.append(
            QueueCallRecord(
                queue: entry.queue, caller: caller, priority: entry.priority, joinedAt: entry.joinedAt,
                outcome: short ? .shortAbandoned : .abandoned, leftQueueAt: now, waitSeconds: wait))
        return finish(now)
    }

    /// The caller pressed the queue's exit digit while waiting: they leave for the overflow
    /// destination (counted as overflowed, reason `exitDigit`), not as an abandon.
    public mutating func callerPressedExitDigit(_ caller: String, now: Date) -> ACDOutput {
        guard let index = waiting.firstIndex(where: { $0.id == caller }) else { return finish(now) }
        let entry = waiting.remove(at: index)
        overflow(entry, reason: .exitDigit, now: now)
        return finish(now)
    }

    /// Someone takes a waiting caller out of the queue to `destination` (a pickup to an
    /// extension, a move to another queue): counted as overflowed with `reason`, a ringing
    /// offer is cancelled. Throws for a caller who is not waiting (answered, or gone).
    public mutating func callerSentOut(
        _ caller: String, to destination: String, reason: QueueExitReason, now: Date
    ) throws(ACDError) -> ACDOutput {
        guard let index = waiting.firstIndex(where: { $0.id == caller }) else { throw .unknownCaller(caller) }
        let entry = waiting.remove(at: index)
        overflow(entry, reason: reason, destination: destination, now: now)
        return finish(now)
    }

    /// `agent`'s phone answered the offer for `caller`: bridge them and stop ringing the others.
    /// A late answer (the offer was already cancelled or timed out) produces no bridge; the
    /// engine hangs that leg up.
    public mutating func offerAnswered(caller: String, agent: String, now: Date) -> ACDOutput {
        guard let index = waiting.firstIndex(where: { $0.id == caller }),
            let offer = waiting[index].offer, offer.agents.contains(agent)
        else { return finish(now) }
        let entry = waiting.remove(at: index)
        pendingActions.append(.bridge(caller: caller, agent: agent))
        let others = offer.agents.filter { $0 != agent }
        if !others.isEmpty {
            pendingActions.append(.cancelOffer(caller: caller, agents: others))
            for other in others { returnToAvailable(other, now: now) }
        }
        setState(agent, .onCall(caller: caller), now: now)
        agents[agent]?.restingUntil = nil
        agents[agent]?.tallies.callsHandled += 1
        queues[entry.queue]?.answeredBy[agent, default: 0] += 1
        count(.answered(wait: now.timeIntervalSince(entry.joinedAt)), queue: entry.queue, at: now)
        calls[caller] = QueueCall(
            caller: caller, queue: entry.queue, agent: agent, priority: entry.priority, joinedAt: entry.joinedAt,
            answeredAt: now, endedAt: nil)
        return finish(now)
    }

    /// `agent` rejected the offer (busy, declined on the phone): the agent rests for the retry
    /// delay and the caller goes to the next agent. Never pauses: the agent was there to say no.
    public mutating func offerDeclined(caller: String, agent: String, now: Date) -> ACDOutput {
        guard let index = waiting.firstIndex(where: { $0.id == caller }),
            let offer = waiting[index].offer, offer.agents.contains(agent)
        else { return finish(now) }
        removeFromOffer(agent, callerIndex: index)
        missed(agent, queue: waiting[index].queue, pause: false, now: now)
        return finish(now)
    }

    /// The bridged queue call ended (either side hung up). The agent goes to wrap-up, to the
    /// pause asked for during the call, or back to available.
    public mutating func queueCallEnded(caller: String, now: Date) -> ACDOutput {
        guard var call = calls[caller], call.endedAt == nil else { return finish(now) }
        call.endedAt = now
        calls[caller] = call
        let talk = now.timeIntervalSince(call.answeredAt)
        queues[call.queue]?.lastCallEndedBy[call.agent] = now
        guard let agent = agents[call.agent] else {
            complete(caller, now: now)
            return finish(now)
        }
        agents[call.agent]?.tallies.talkTime += talk
        agents[call.agent]?.tallies.holdTime += call.holdTime + (call.heldSince.map { now.timeIntervalSince($0) } ?? 0)
        guard agent.state == .onCall(caller: caller) else {
            // Logged out during the call: nothing to wrap up.
            complete(caller, now: now)
            return finish(now)
        }
        let wrapUp = queues[call.queue]?.settings.wrapUpSeconds ?? 0
        if let reason = agent.pauseAfterCall {
            complete(caller, now: now)
            agents[call.agent]?.pauseAfterCall = nil
            setState(call.agent, .paused(reason: reason), now: now)
        } else if wrapUp > 0 {
            setState(call.agent, .wrapUp(until: now.addingTimeInterval(TimeInterval(wrapUp))), now: now)
            agents[call.agent]?.wrapUpCaller = caller
        } else {
            complete(caller, now: now)
            becomeFree(call.agent, now: now)
        }
        return finish(now)
    }

    /// The agent (or the caller) put a bridged queue call on hold; the time until
    /// ``queueCallResumed(caller:now:)`` or the call's end counts as the agent's hold time.
    public mutating func queueCallHeld(caller: String, now: Date) {
        guard var call = calls[caller], call.endedAt == nil, call.heldSince == nil else { return }
        call.heldSince = now
        calls[caller] = call
    }

    public mutating func queueCallResumed(caller: String, now: Date) {
        guard var call = calls[caller], let since = call.heldSince else { return }
        call.holdTime += now.timeIntervalSince(since)
        call.heldSince = nil
        calls[caller] = call
    }

    // MARK: Helpers

    /// Writes the record of an answered call whose talk (and wrap-up) is over.
    mutating func complete(_ caller: String, now: Date) {
        guard let call = calls.removeValue(forKey: caller), let endedAt = call.endedAt else { return }
        let talk = endedAt.timeIntervalSince(call.answeredAt)
        let wrapUp = now.timeIntervalSince(endedAt)
        count(.completed(talk: talk, wrapUp: wrapUp), queue: call.queue, at: now)
        pendingRecords.append(
            QueueCallRecord(
                queue: call.queue, caller: caller, priority: call.priority, joinedAt: call.joinedAt, outcome: .answered,
                leftQueueAt: call.answeredAt, agent: call.agent, endedAt: endedAt, completedAt: now,
                waitSeconds: call.answeredAt.timeIntervalSince(call.joinedAt), talkSeconds: talk, wrapUpSeconds: wrapUp)
        )
    }

    /// Cancels a caller's whole offer (caller left, max wait) and frees the agents without
    /// blaming them.
    mutating func releaseOffer(of entry: WaitingCaller, now: Date) {
        guard let offer = entry.offer else { return }
        pendingActions.append(.cancelOffer(caller: entry.id, agents: offer.agents))
        for agent in offer.agents { returnToAvailable(agent, now: now) }
    }

    /// Takes one agent out of the offer of the caller at `callerIndex`; with nobody left
    /// ringing the caller waits for the next free agent.
    mutating func removeFromOffer(_ agent: String, callerIndex: Int) {
        guard var offer = waiting[callerIndex].offer else { return }
        offer.agents.removeAll { $0 == agent }
        waiting[callerIndex].offer = offer.agents.isEmpty ? nil : offer
    }
}
