import Foundation

extension Distributor {
    /// Offers waiting callers to free agents. Callers are served in one global order (priority,
    /// then arrival across all queues), so an agent in several queues gets the caller who has
    /// waited longest among the highest priority, and within a queue nobody is offered before
    /// an earlier caller of the same priority. Each caller is offered per its queue's strategy,
    /// among the lowest penalty tier that has an offerable agent.
    mutating func dispatch(_ now: Date) {
        for index in waiting.indices where waiting[index].offer == nil {
            guard agents.values.contains(where: { $0.state == .available && ($0.restingUntil ?? now) <= now }) else {
                return
            }
            let queueName = waiting[index].queue
            guard let queue = queues[queueName] else { continue }
            let members = queue.settings.members
            var candidates: [AgentSelection.Candidate] = []
            for (memberIndex, member) in members.enumerated() {
                guard let agent = agents[member.agent], agent.isOfferable(for: queueName, at: now) else { continue }
                candidates.append(
                    AgentSelection.Candidate(
                        agent: member.agent, memberIndex: memberIndex, penalty: member.penalty,
                        idleSince: agent.idleSince,
                        callsAnswered: queue.answeredBy[member.agent] ?? 0,
                        lastCallEnded: queue.lastCallEndedBy[member.agent]))
            }
            guard !candidates.isEmpty else { continue }
            let lastOffered = queue.lastOffered.flatMap { last in members.firstIndex { $0.agent == last } }
            let chosen = AgentSelection.choose(
                queue.settings.strategy, from: candidates, lastOffered: lastOffered, using: &generator)
            let until = now.addingTimeInterval(TimeInterval(queue.settings.ringTimeoutSeconds))
            let caller = waiting[index].id
            for agent in chosen { setState(agent, .ringing(caller: caller), now: now) }
            waiting[index].offer = Offer(agents: chosen, until: until)
            queues[queueName]?.lastOffered = chosen.last
            pendingActions.append(.offer(caller: caller, queue: queueName, agents: chosen, until: until))
        }
    }

    /// Whether `queue` is empty in the sense of `condition`. Only members logged in to the
    /// queue count; ringing, talking and wrap-up agents keep it non-empty.
    func isEmpty(_ queue: String, by condition: EmptyQueueCondition) -> Bool {
        guard condition != .never, let settings = queues[queue]?.settings else { return false }
        let present = settings.members.compactMap { agents[$0.agent] }.filter {
            $0.queues.contains(queue) && $0.isLoggedIn
        }
        switch condition {
        case .never: return false
        case .noAgentsLoggedIn: return present.isEmpty
        case .noAgentsUnpaused: return present.allSatisfy(\.isPaused)
        }
    }

    /// Sends the callers of every queue that is empty by its leave rule to its overflow
    /// destination.
    mutating func applyLeaveRules(_ now: Date) {
        let emptied = Set(
            waiting.map(\.queue).filter { name in
                guard let rule = queues[name]?.settings.leaveWhen else { return false }
                return isEmpty(name, by: rule)
            })
        guard !emptied.isEmpty else { return }
        for entry in waiting where emptied.contains(entry.queue) {
            overflow(entry, reason: .queueEmpty, now: now)
        }
        waiting.removeAll { emptied.contains($0.queue) }
    }

    /// Sends one waiting caller (already or about to be removed from `waiting`) to the
    /// overflow destination.
    /// `destination` nil: the queue's overflow destination.
    mutating func overflow(_ entry: WaitingCaller, reason: QueueExitReason, destination: String? = nil, now: Date) {
        releaseOffer(of: entry, now: now)
        let wait = now.timeIntervalSince(entry.joinedAt)
        count(.overflowed(wait: wait), queue: entry.queue, at: now)
        pendingRecords.append(
            QueueCallRecord(
                queue: entry.queue, caller: entry.id, priority: entry.priority, joinedAt: entry.joinedAt,
                outcome: .overflowed, exitReason: reason, leftQueueAt: now, waitSeconds: wait))
        pendingActions.append(
            .overflow(
                caller: entry.id, queue: entry.queue,
                destination: destination ?? queues[entry.queue]?.settings.overflowDestination,
                reason: reason))
    }
}
