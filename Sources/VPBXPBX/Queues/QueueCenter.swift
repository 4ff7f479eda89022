import Foundation
import Logging
import Synchronization
import VPBXACD

/// The engine's ACD: one `Distributor` in one actor, fed by the queue applications (callers
/// joining, offers answered or not, hang-ups), by agents (login, pause) and by the core's call
/// events (a queue call ended), and carrying out its decisions: ring agents, cancel a ringing
/// offer, send a caller on. A timer wakes it at the distributor's next deadline (ring
/// timeouts, maximum wait, wrap-up) and at local midnight, when the day's figures restart.
public actor QueueCenter: QueueService {
    /// What the center needs from the rest of the engine.
    public struct Hooks: Sendable {
        /// Stops ringing an offer: the application leg with this Call-ID gets its caller back.
        public var cancelRinging: @Sendable (_ applicationCallID: String) async -> Void
        /// Stops ringing these extensions of an offer; the others ring on.
        public var cancelExtensions: @Sendable (_ applicationCallID: String, _ extensions: Set<String>) async -> Void
        /// Finished queue calls, for the store (reports).
        public var recordsFinished: @Sendable ([QueueCallRecord]) -> Void
        /// Something changed (an agent's state, a caller joined or left): for the event stream.
        public var changed: @Sendable (QueueCenterChange) -> Void
        /// An agent logged in, moved, paused, unpaused or logged out (nil): for the store, so a
        /// restart does not log the call center out.
        public var sessionChanged: @Sendable (_ agent: String, AgentSession?) -> Void

        public init(
            cancelRinging: @escaping @Sendable (String) async -> Void,
            recordsFinished: @escaping @Sendable ([QueueCallRecord]) -> Void,
            cancelExtensions: @escaping @Sendable (String, Set<String>) async -> Void = { _, _ in },
            changed: @escaping @Sendable (QueueCenterChange) -> Void = { _ in },
            sessionChanged: @escaping @Sendable (String, AgentSession?) -> Void = { _, _ in }
        ) {
            self.cancelRinging = cancelRinging
            self.cancelExtensions = cancelExtensions
            self.recordsFinished = recordsFinished
            self.changed = changed
            self.sessionChanged = sessionChanged
        }
    }

    /// A caller the center knows: waiting, being offered, or talking to an agent.
    private struct Entry {
        let caller: QueueCaller
        let queue: String
        let instructions: AsyncStream<QueueInstruction>.Continuation
        /// The offer ringing now: its number and the agents it rings.
        var offer: (id: Int, agents: [String])?
        /// Put through to an agent; the center waits for the call's end.
        var bridged = false
        /// For the agent's screen pop: when the caller joined, who answered and when.
        var joinedAt = Date()
        var answered: (agent: String, at: Date)?

        func call(endedAt: Date? = nil) -> AgentQueueCall {
            AgentQueueCall(
                callID: caller.callID, queue: queue, number: caller.number, name: caller.name, joinedAt: joinedAt,
                answeredAt: answered?.at, endedAt: endedAt)
        }
    }

    /// The last queue call each agent finished, for their wrap-up screen.
    private var finishedCalls: [String: AgentQueueCall] = [:]

    private var distributor: Distributor<SystemRandomNumberGenerator>
    private var entries: [String: Entry] = [:]
    private var nextOffer = 0
    private var timer: Task<Void, Never>?
    private var nextMidnight: Date
    private let timeZone: TimeZone
    private let hooks: Hooks
    private let logger: Logger
    private nonisolated let configured = Atomic<Bool>(false)

    /// Whether any queue or agent is configured. Until then the calls of the exchange concern
    /// nobody here, and the engine drops their events before they cost a hop to this actor.
    /// (An agent configured during a direct call is seen as free until that call ends.)
    public nonisolated var wantsCallEvents: Bool { configured.load(ordering: .relaxed) }

    public init(timeZone: TimeZone = TimeZone(identifier: "Europe/Budapest") ?? .current, hooks: Hooks, logger: Logger) {
        let now = Date()
        self.distributor = Distributor(now: now)
        self.timeZone = timeZone
        self.nextMidnight = LocalMidnight.next(after: now, in: timeZone)
        self.hooks = hooks
        self.logger = logger
    }

    // MARK: Configuration

    /// Takes the configured queues and agents (at start-up and after every change). Queues no
    /// longer listed are removed: their waiting callers are sent on.
    public func apply(queues: [QueueSettings], agents: [AgentProfile]) {
        let now = Date()
        for agent in agents { distributor.define(agent, now: now) }
        let names = Set(queues.map(\.name))
        for queue in distributor.queueNames where !names.contains(queue) {
            carryOut(distributor.removeQueue(queue, now: now))
        }
        for queue in queues {
            do {
                carryOut(try distributor.configure(queue, now: now))
            } catch {
                logger.error("queue settings refused", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
        }
        configured.store(!distributor.queueNames.isEmpty || !distributor.agentNumbers.isEmpty, ordering: .relaxed)
    }

    // MARK: Agents

    /// Logs `agent` in at `extensionNumber`, to `queues` (nil: all theirs).
    public func login(agent: String, at extensionNumber: String, queues: Set<String>?) throws(ACDError) {
        carryOut(try distributor.agentLoggedIn(agent, at: extensionNumber, queues: queues, now: Date()))
        agentChanged(agent)
    }

    public func logout(agent: String) throws(ACDError) {
        guard distributor.agent(agent) != nil else { throw .unknownAgent(agent) }
        carryOut(distributor.agentLoggedOut(agent, now: Date()))
        agentChanged(agent)
    }

    public func pause(agent: String, reason: String) throws(ACDError) {
        guard distributor.agent(agent) != nil else { throw .unknownAgent(agent) }
        carryOut(distributor.agentPaused(agent, reason: reason, now: Date()))
        agentChanged(agent)
    }

    public func unpause(agent: String) throws(ACDError) {
        guard distributor.agent(agent) != nil else { throw .unknownAgent(agent) }
        carryOut(distributor.agentUnpaused(agent, now: Date()))
        agentChanged(agent)
    }

    /// An agent and their statistics now; nil for an unknown number.
    public func agent(_ number: String) -> (agent: Agent, statistics: AgentStatistics?)? {
        guard let agent = distributor.agent(number) else { return nil }
        return (agent, distributor.agentStatistics(of: number, now: Date()))
    }

    /// The queues that list the agent as a member (whether or not they are logged in).
    public func memberQueues(of number: String) -> [String] {
        distributor.queueNames.filter { distributor.settings(of: $0)?.member(number) != nil }
    }

    /// Every defined agent, by number.
    public func agents() -> [Agent] {
        distributor.agentNumbers.compactMap { distributor.agent($0) }
    }

    /// Logs agents back in as they were before a restart (at their extension, to the same
    /// queues, paused for the same reason). An agent the configuration no longer allows
    /// (deleted, no longer a member) is skipped and logged.
    public func restore(_ sessions: [(agent: String, session: AgentSession)]) {
        for (agent, session) in sessions {
            do {
                carryOut(
                    try distributor.agentLoggedIn(agent, at: session.extensionNumber, queues: session.queues.map(Set.init), now: Date()))
                if let reason = session.pausedReason {
                    carryOut(distributor.agentPaused(agent, reason: reason, now: Date()))
                }
                agentChanged(agent)
            } catch {
                logger.warning("agent session not restored", metadata: ["agent": "\(agent)", "error": "\(error)"])
                agentChanged(agent)
            }
        }
    }

    /// The agent's session as the store keeps it; nil when logged out.
    private func session(of number: String) -> AgentSession? {
        guard let agent = distributor.agent(number), agent.state != .loggedOut, let extensionNumber = agent.extensionNumber
        else { return nil }
        var reason = agent.pauseAfterCall
        if case .paused(let why) = agent.state { reason = why }
        return AgentSession(
            extensionNumber: extensionNumber, queues: agent.loggedInToAll ? nil : agent.queues.sorted(), pausedReason: reason)
    }

    /// Sessions last handed to the store, so an unchanged one is not written again.
    private var sessions: [String: AgentSession] = [:]

    private func agentChanged(_ number: String) {
        hooks.changed(.agent(number))
        // The agent counts in the live figures of every queue that lists them (available,
        // on call, paused): those queues changed too, for wallboards that follow queues only.
        for queue in memberQueues(of: number) { hooks.changed(.queue(queue)) }
        let now = session(of: number)
        guard sessions[number] != now else { return }
        sessions[number] = now
        hooks.sessionChanged(number, now)
    }

    // MARK: Supervisor operations

    /// Takes a waiting caller out of the queue to an extension (a supervisor's or
    /// receptionist's "pick up"): the caller hears ringback while it rings.
    public func pickUp(callID: String, to extensionNumber: String) throws(ACDError) {
        carryOut(try distributor.callerSentOut(callID, to: "ext:\(extensionNumber)", reason: .pickedUp, now: Date()))
    }

    /// Moves a waiting caller to another queue; they join it at its end (their wait there
    /// starts anew, as in Asterisk).
    public func move(callID: String, to queue: String) throws(ACDError) {
        guard distributor.settings(of: queue) != nil else { throw .unknownQueue(queue) }
        carryOut(try distributor.callerSentOut(callID, to: "queue:\(queue)", reason: .moved, now: Date()))
    }

    // MARK: Statistics

    /// A queue's figures now: live state, since midnight, and the rolling window.
    public func statistics(of queue: String) -> QueueFigures? {
        let now = Date()
        guard let live = distributor.liveStatistics(of: queue, now: now), let today = distributor.totals(of: queue),
            let window = distributor.windowTotals(of: queue, now: now)
        else { return nil }
        return QueueFigures(
            live: live, today: today, since: distributor.statisticsSince, window: window,
            windowStart: distributor.windowStart(at: now), waiting: distributor.waitingCallers(in: queue))
    }

    /// The queue call `agent` is offered, talking on, or wrapping up; nil otherwise.
    public func queueCall(of agent: String) -> AgentQueueCall? {
        switch distributor.agent(agent)?.state {
        case .ringing(let caller), .onCall(let caller): return entries[caller]?.call()
        case .wrapUp: return finishedCalls[agent]
        default: return nil
        }
    }

    /// Names of the configured queues.
    public func queueNames() -> [String] { distributor.queueNames }

    // MARK: QueueService (the queue application)

    public func join(queue: String, caller: QueueCaller) -> QueueJoin? {
        guard let settings = distributor.settings(of: queue) else { return nil }
        let (stream, continuation) = AsyncStream<QueueInstruction>.makeStream()
        entries[caller.callID] = Entry(caller: caller, queue: queue, instructions: continuation)
        do {
            carryOut(try distributor.callerJoined(caller.callID, queue: queue, now: Date()))
        } catch {
            logger.warning("caller refused by the queue", metadata: ["queue": "\(queue)", "error": "\(error)"])
            entries[caller.callID] = nil
            continuation.yield(.leave(destination: nil, reason: "refused"))
            continuation.finish()
        }
        hooks.changed(.queue(queue))
        return QueueJoin(
            instructions: stream, announcementIntervalSeconds: settings.announcementIntervalSeconds,
            exitDigit: settings.exitDigit?.first, musicClass: settings.musicClass)
    }

    public func offerSettled(caller callID: String, offer: Int, result: HandOnResult?) {
        guard var entry = entries[callID], let current = entry.offer, current.id == offer else {
            return  // cancelled meanwhile: the distributor already moved on
        }
        entry.offer = nil
        entries[callID] = entry
        let now = Date()
        switch result {
        case .connected(let answeredBy):
            let agent =
                current.agents.first { distributor.agent($0)?.extensionNumber == answeredBy } ?? current.agents[0]
            entry.bridged = true
            entry.answered = (agent, now)
            entries[callID] = entry
            entry.instructions.finish()
            carryOut(distributor.offerAnswered(caller: callID, agent: agent, now: now))
            agentChanged(agent)
        case .callEnded:
            carryOut(distributor.callerLeft(callID, now: now))
            forget(callID)
        case .failed, nil:
            for agent in current.agents {
                carryOut(distributor.offerDeclined(caller: callID, agent: agent, now: now))
                agentChanged(agent)
            }
        }
        hooks.changed(.queue(entry.queue))
    }

    public func callerLeft(_ callID: String) {
        guard let entry = entries[callID], !entry.bridged else { return }
        forget(callID)
        leaving[callID] = entry
        carryOut(distributor.callerLeft(callID, now: Date()))
        leaving[callID] = nil
        hooks.changed(.queue(entry.queue))
    }

    public func exitKeyPressed(_ callID: String) {
        guard entries[callID] != nil else { return }
        carryOut(distributor.callerPressedExitDigit(callID, now: Date()))
    }

    public func position(of callID: String) -> QueuePosition? {
        guard let entry = entries[callID] else { return nil }
        let waiting = distributor.waitingCallers(in: entry.queue)
        guard let index = waiting.firstIndex(where: { $0.caller == callID }) else { return nil }
        let average = distributor.windowTotals(of: entry.queue, now: Date())?.averageSpeedOfAnswer
        return QueuePosition(position: index + 1, expectedWaitSeconds: average.map { Int($0.rounded()) })
    }

    // MARK: The core's calls

    /// A call ended in the core: if it was a queue call put through to an agent, the agent's
    /// wrap-up starts.
    public func callEnded(callID: String) {
        guard let entry = entries[callID], entry.bridged else { return }
        if let agent = entry.answered?.agent { finishedCalls[agent] = entry.call(endedAt: Date()) }
        forget(callID)
        carryOut(distributor.queueCallEnded(caller: callID, now: Date()))
        hooks.changed(.queue(entry.queue))
        // The agent went into wrap-up (or straight back to available): their console follows.
        if let agent = entry.answered?.agent { agentChanged(agent) }
    }

    /// The agent transferred a queue call they answered and its target answered: the agent's
    /// part of it is over (their wrap-up starts, the queue call's record ends here), and the
    /// call goes on as a direct call between the caller and the target.
    public func callTransferred(callID: String) {
        callEnded(callID: callID)
    }

    /// A bridged queue call was put on hold or taken off it (agent hold time).
    public func callHeld(callID: String, held: Bool) {
        guard let entry = entries[callID], entry.bridged else { return }
        if held {
            distributor.queueCallHeld(caller: callID, now: Date())
        } else {
            distributor.queueCallResumed(caller: callID, now: Date())
        }
    }

    /// The extensions each non-queue call involves, to tell the distributor when an agent's
    /// phone is busy with a direct call (never offered queue calls then) and free again.
    private var directCalls: [String: Set<String>] = [:]

    /// A call's parties now (`ended`: the call is over). Calls the queue itself put through
    /// are the distributor's own business and are skipped.
    public func observe(callID: String, parties: Set<String>, ended: Bool) {
        if entries[callID] != nil { return }
        let before = directCalls[callID] ?? []
        let now = ended ? [] : parties
        directCalls[callID] = now.isEmpty ? nil : now
        guard before != now else { return }
        let date = Date()
        for number in distributor.agentNumbers {
            guard let agent = distributor.agent(number), agent.state != .loggedOut,
                let extensionNumber = agent.extensionNumber
            else { continue }
            let wasBusy = before.contains(extensionNumber)
            let isBusy = now.contains(extensionNumber)
            guard wasBusy != isBusy else { continue }
            // Another direct call may still hold the phone.
            let stillBusy = directCalls.values.contains { $0.contains(extensionNumber) }
            if isBusy, !wasBusy {
                carryOut(distributor.agentBusyElsewhere(number, now: date))
                agentChanged(number)
            } else if !stillBusy {
                carryOut(distributor.agentFreeElsewhere(number, now: date))
                agentChanged(number)
            }
        }
    }

    // MARK: Carrying out decisions

    private func carryOut(_ output: ACDOutput) {
        for action in output.actions {
            switch action {
            case .offer(let caller, _, let agents, let until):
                guard var entry = entries[caller] else { continue }
                let extensions = agents.compactMap { distributor.agent($0)?.extensionNumber }
                nextOffer += 1
                entry.offer = (nextOffer, agents)
                entries[caller] = entry
                // The core's own limit is a safety net a little past the distributor's deadline,
                // which cancels the offer itself.
                let seconds = Int(until.timeIntervalSinceNow.rounded(.up)) + 5
                entry.instructions.yield(.ring(offer: nextOffer, extensions: extensions, timeoutSeconds: max(1, seconds)))
                for agent in agents { agentChanged(agent) }
            case .cancelOffer(let caller, let agents):
                guard var entry = entries[caller] ?? leaving[caller], let offer = entry.offer else { continue }
                let remaining = offer.agents.filter { !agents.contains($0) }
                if remaining.isEmpty {
                    entry.offer = nil
                    if entries[caller] != nil { entries[caller] = entry }
                    let applicationCallID = entry.caller.applicationCallID
                    let cancel = hooks.cancelRinging
                    Task { await cancel(applicationCallID) }
                } else {
                    // One agent of a ring-all offer left (paused, logged out): their phone stops,
                    // the others ring on.
                    entry.offer = (offer.id, remaining)
                    if entries[caller] != nil { entries[caller] = entry }
                    let stopped = Set(agents.compactMap { distributor.agent($0)?.extensionNumber })
                    let applicationCallID = entry.caller.applicationCallID
                    let cancel = hooks.cancelExtensions
                    Task { await cancel(applicationCallID, stopped) }
                }
                for agent in agents { agentChanged(agent) }
            case .bridge:
                break  // the core connected the call when the agent's phone answered
            case .overflow(let caller, _, let destination, let reason), .reject(let caller, _, let destination, let reason):
                guard let entry = entries[caller] else { continue }
                forget(caller)
                entry.instructions.yield(
                    .leave(destination: destination.flatMap { try? Destination(parsing: $0) }, reason: reason.rawValue))
                entry.instructions.finish()
                hooks.changed(.queue(entry.queue))
            }
        }
        if !output.records.isEmpty {
            // Reports name the caller's number, not the internal call id.
            var records = output.records
            for index in records.indices {
                if let number = numbers.removeValue(forKey: records[index].caller) { records[index].caller = number }
            }
            hooks.recordsFinished(records)
        }
        schedule(output.nextDeadline)
    }

    /// Caller numbers by call id, kept until the call's record is written.
    private var numbers: [String: String] = [:]
    /// A caller being forgotten while the distributor's output for it is carried out (its
    /// ringing offer is still cancelled).
    private var leaving: [String: Entry] = [:]

    private func forget(_ callID: String) {
        guard let entry = entries.removeValue(forKey: callID) else { return }
        numbers[callID] = entry.caller.number
    }

    private func schedule(_ deadline: Date?) {
        timer?.cancel()
        let wake = min(deadline ?? nextMidnight, nextMidnight)
        let delay = max(0, wake.timeIntervalSinceNow)
        timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000) + 1))
            guard !Task.isCancelled else { return }
            await self?.tick()
        }
    }

    private func tick() {
        let now = Date()
        if now >= nextMidnight {
            distributor.resetStatistics(at: now)
            nextMidnight = LocalMidnight.next(after: now, in: timeZone)
            for queue in distributor.queueNames { hooks.changed(.queue(queue)) }
        }
        // A deadline can end wrap-ups and rests; say which agents changed state.
        let before = Dictionary(uniqueKeysWithValues: distributor.agentNumbers.map { ($0, distributor.agent($0)?.state) })
        carryOut(distributor.tick(now: now))
        for (number, state) in before where distributor.agent(number)?.state != state { agentChanged(number) }
    }
}

/// A logged-in agent as the store keeps them across restarts.
public struct AgentSession: Sendable, Equatable {
    public var extensionNumber: String
    /// The queues chosen at login; nil: all of theirs.
    public var queues: [String]?
    /// Paused for this reason (or to be paused after the current call).
    public var pausedReason: String?

    public init(extensionNumber: String, queues: [String]?, pausedReason: String?) {
        self.extensionNumber = extensionNumber
        self.queues = queues
        self.pausedReason = pausedReason
    }
}

/// What changed in the call center, for the event stream (the console redraws from it).
public enum QueueCenterChange: Sendable, Equatable {
    case queue(String)
    case agent(String)
}

/// A queue's figures at one moment, for `queue.stats` and the wallboard.
public struct QueueFigures: Sendable, Equatable {
    public var live: QueueLiveStatistics
    /// Since `since` (the last local midnight, or the engine's start).
    public var today: QueueTotals
    public var since: Date
    /// The rolling window, from `windowStart` to now.
    public var window: QueueTotals
    public var windowStart: Date
    public var waiting: [QueuedCaller]
}
