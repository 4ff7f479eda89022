import Foundation

extension Distributor {
    /// Time has reached `now`: ends due wrap-ups, sends callers past their maximum wait to the
    /// overflow destination, times out unanswered offers (the agents are paused or rest, the
    /// callers go to the next agent), then offers callers to whoever became free. Call it at
    /// (or soon after) `ACDOutput.nextDeadline`; calling it early or often is harmless.
    public mutating func tick(now: Date) -> ACDOutput {
        for number in agents.keys.sorted() {
            if case .wrapUp(let until) = agents[number]?.state, until <= now {
                finishWrapUp(number, now: now)
                becomeFree(number, now: now)
            }
        }
        let expired = waiting.filter { entry in
            guard let limit = queues[entry.queue]?.settings.maxWaitSeconds else { return false }
            return entry.joinedAt.addingTimeInterval(TimeInterval(limit)) <= now
        }
        for entry in expired { overflow(entry, reason: .maxWait, now: now) }
        let expiredIDs = Set(expired.map(\.id))
        waiting.removeAll { expiredIDs.contains($0.id) }
        for index in waiting.indices {
            guard let offer = waiting[index].offer, offer.until <= now else { continue }
            let queue = waiting[index].queue
            let pause = queues[queue]?.settings.pauseOnNoAnswer ?? false
            pendingActions.append(.cancelOffer(caller: waiting[index].id, agents: offer.agents))
            waiting[index].offer = nil
            for agent in offer.agents { missed(agent, queue: queue, pause: pause, now: now) }
        }
        return finish(now)
    }

    /// The earliest instant at which `tick` has something to do. Normally after `now`; it is
    /// at or before `now` only when a tick is overdue (an input arrived after a deadline the
    /// engine has not ticked for yet), and then the engine should tick at once.
    func nextDeadline(after now: Date) -> Date? {
        var deadline: Date?
        func consider(_ date: Date) {
            if deadline.map({ date < $0 }) ?? true { deadline = date }
        }
        for entry in waiting {
            if let offer = entry.offer { consider(offer.until) }
            if let limit = queues[entry.queue]?.settings.maxWaitSeconds {
                consider(entry.joinedAt.addingTimeInterval(TimeInterval(limit)))
            }
        }
        for agent in agents.values {
            if case .wrapUp(let until) = agent.state { consider(until) }
            // A resting agent only matters when someone is waiting for them.
            if let resting = agent.restingUntil, resting > now, !waiting.isEmpty { consider(resting) }
        }
        return deadline
    }
}
