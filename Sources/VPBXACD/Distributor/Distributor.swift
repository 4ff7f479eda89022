import Foundation

/// The ACD state machine: queues, agents and waiting callers, fed inputs (a caller joined, an
/// agent answered, time passed, ...) and returning what the PBX must do (`ACDOutput`).
///
/// No concurrency inside: the engine owns one distributor in one actor and feeds it in order.
/// No clock inside: every input carries `now`, and the output says when to call `tick(now:)`.
/// No hidden randomness: the `random` strategy draws from the injected generator.
///
/// Every decision is made on the input that enables it: a caller joining while an agent is
/// free gets the offer in the same output, and an agent becoming free gets the next caller.
public struct Distributor<Generator: RandomNumberGenerator> {
    var generator: Generator
    var queues: [String: QueueRuntime] = [:]
    var agents: [String: Agent] = [:]
    /// Waiting callers of all queues in service order: higher priority first, then arrival.
    var waiting: [WaitingCaller] = []
    /// Answered calls until their wrap-up ends, by caller.
    var calls: [String: QueueCall] = [:]
    /// Start of the statistics period (the last reset).
    public internal(set) var statisticsSince: Date
    let windowSeconds: TimeInterval
    let slotSeconds: TimeInterval
    /// Output collected while one input is handled.
    var pendingActions: [ACDAction] = []
    var pendingRecords: [QueueCallRecord] = []

    /// A distributor with no queues and no agents. Statistics count from `now`; the rolling
    /// window covers `windowSeconds` in slots of `slotSeconds`.
    public init(generator: Generator, now: Date, windowSeconds: TimeInterval = 900, slotSeconds: TimeInterval = 60) {
        self.generator = generator
        self.statisticsSince = now
        self.windowSeconds = windowSeconds
        self.slotSeconds = slotSeconds
    }

    // MARK: Configuration

    /// Adds a queue or replaces its settings (callers keep waiting). Throws when the settings
    /// do not validate. Logged-in agents the queue no longer lists stop taking its calls;
    /// agents it newly lists take them at once if they logged in to all their queues.
    public mutating func configure(_ settings: QueueSettings, now: Date) throws(ACDError) -> ACDOutput {
        try settings.validate()
        if queues[settings.name] != nil {
            queues[settings.name]?.settings = settings
        } else {
            let statistics = QueueStatistics(
                since: statisticsSince, window: RollingTotals(windowSeconds: windowSeconds, slotSeconds: slotSeconds))
            queues[settings.name] = QueueRuntime(settings: settings, statistics: statistics)
        }
        for (number, agent) in agents where agent.isLoggedIn {
            if settings.member(number) == nil {
                agents[number]?.queues.remove(settings.name)
            } else if agent.loggedInToAll {
                agents[number]?.queues.insert(settings.name)
            }
        }
        return finish(now)
    }

    /// Removes a queue. Its waiting callers go to its overflow destination (reason
    /// `queueRemoved`), its agents stop taking its calls; calls already answered go on and
    /// still produce their records. The queue's statistics are dropped with it.
    public mutating func removeQueue(_ name: String, now: Date) -> ACDOutput {
        guard queues[name] != nil else { return finish(now) }
        for entry in waiting where entry.queue == name {
            overflow(entry, reason: .queueRemoved, now: now)
        }
        waiting.removeAll { $0.queue == name }
        queues[name] = nil
        for number in agents.keys {
            agents[number]?.queues.remove(name)
        }
        return finish(now)
    }

    /// Adds an agent or renames one.
    public mutating func define(_ profile: AgentProfile, now: Date) {
        if agents[profile.number] != nil {
            agents[profile.number]?.profile = profile
        } else {
            agents[profile.number] = Agent(profile: profile, now: now)
        }
    }

    // MARK: Queries

    /// The settings of a queue.
    public func settings(of queue: String) -> QueueSettings? { queues[queue]?.settings }

    /// A snapshot of an agent.
    public func agent(_ number: String) -> Agent? { agents[number] }

    /// The configured queues' names, sorted.
    public var queueNames: [String] { queues.keys.sorted() }

    /// The defined agents' numbers, sorted.
    public var agentNumbers: [String] { agents.keys.sorted() }

    /// The callers waiting in `queue`, in the order they will be served.
    public func waitingCallers(in queue: String) -> [QueuedCaller] {
        waiting.filter { $0.queue == queue }.map {
            QueuedCaller(
                caller: $0.id, queue: $0.queue, priority: $0.priority, joinedAt: $0.joinedAt,
                offeredTo: $0.offer?.agents ?? [])
        }
    }

    // MARK: Plumbing

    /// Ends every input: applies the leave-when-empty rules, offers waiting callers to free
    /// agents, and hands out what was collected with the next deadline.
    mutating func finish(_ now: Date) -> ACDOutput {
        applyLeaveRules(now)
        dispatch(now)
        let output = ACDOutput(actions: pendingActions, records: pendingRecords, nextDeadline: nextDeadline(after: now))
        pendingActions = []
        pendingRecords = []
        return output
    }

    /// Counts a queue event live, at `date`.
    mutating func count(_ event: QueueEvent, queue: String, at date: Date) {
        guard let level = queues[queue]?.settings.serviceLevelSeconds else { return }
        queues[queue]?.statistics.apply(event, at: date, serviceLevelSeconds: level)
    }
}

extension Distributor: Sendable where Generator: Sendable {}

extension Distributor where Generator == SystemRandomNumberGenerator {
    /// A distributor drawing from the system generator (the engine's choice; tests inject a
    /// seeded one).
    public init(now: Date) {
        self.init(generator: SystemRandomNumberGenerator(), now: now)
    }
}
