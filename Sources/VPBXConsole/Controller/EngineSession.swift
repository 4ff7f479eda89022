import Foundation
import VPBXControl

/// The console's link to the engine: connects, loads a snapshot, streams events, and when
/// the engine goes away reconnects with backoff (`ReconnectPolicy`) and loads a fresh
/// snapshot. Reports everything through `Update`s; never touches the screen.
public actor EngineSession {
    public enum Update: Sendable, Equatable {
        /// A fresh snapshot; events follow.
        case synced(ConsoleSnapshot)
        case event(RPCEvent)
        /// The current state of an extension an event named.
        case extensionLoaded(ExtensionInfo)
        /// Fresh queue or agent figures after a call-center event.
        case callCenter(CallCenterUpdate)
        /// Connecting failed or the connection broke; `attempt` counts since the last sync.
        case lost(attempt: Int, reason: String)
    }

    /// What the session loads and follows.
    public enum Scope: Sendable, Hashable {
        /// Everything the role may read: extensions, registrations, calls, queues, agents.
        case console
        /// Queues and agents only (`vpbx-tui --wallboard`).
        case wallboard

        public var topics: [String] {
            switch self {
            case .console:
                return [
                    EventTopic.call, EventTopic.registration, EventTopic.extension, CallCenterEvents.queueTopic,
                    CallCenterEvents.agentTopic, EventTopic.engine,
                ]
            case .wallboard: return [CallCenterEvents.queueTopic, CallCenterEvents.agentTopic, EventTopic.engine]
            }
        }
    }

    public nonisolated let socketPath: String
    public nonisolated let clientName: String
    public nonisolated let scope: Scope

    private var policy: ReconnectPolicy
    private var client: ControlClient?
    private var refreshRequested = false
    /// Counts connections, so a fetch answered on an old connection is dropped.
    private var generation = 0
    private var queueFetches = FetchCoalescer()
    private var agentFetches = FetchCoalescer()
    /// The role `engine.hello` reported on this connection: an agent follows only its own
    /// agent (`agent.self`), since it may not list the others.
    private var role: Role?
    /// The agent-role user's own agent number, once `agent.self` told it.
    private var ownAgentNumber: String?

    public init(
        socketPath: String, clientName: String = "vpbx-tui", scope: Scope = .console,
        policy: ReconnectPolicy = ReconnectPolicy()
    ) {
        self.socketPath = socketPath
        self.clientName = clientName
        self.scope = scope
        self.policy = policy
    }

    /// Runs until the task is cancelled.
    public func run(_ report: @escaping @Sendable (Update) -> Void) async {
        var action = ReconnectPolicy.Action.connectNow
        while !Task.isCancelled {
            if case .retry(let delay) = action { await pause(delay) }
            if Task.isCancelled { return }
            let reason: String
            do {
                let (client, snapshot, events) = try await connectAndLoad()
                self.client = client
                role = snapshot.role
                ownAgentNumber = snapshot.ownAgent?.number
                generation += 1
                queueFetches.reset()
                agentFetches.reset()
                policy.synced()
                report(.synced(snapshot))
                for try await event in events {
                    report(.event(event))
                    switch ConsoleModel.fetch(after: event) {
                    case .extension(let number):
                        if let info = try? await client.call(ExtensionGet.self, .init(number: number)) {
                            report(.extensionLoaded(info))
                        }
                    case .queue(let name):
                        if let target = queueFetches.request(.one(name)) { fetchQueues(target, client, report) }
                    case .agents where role == .agent:
                        // Only changes of this user's own agent (or before it is known) matter.
                        let changed = event.data["agent"]?.stringValue
                        guard ownAgentNumber == nil || changed == nil || changed == ownAgentNumber else { break }
                        if agentFetches.request(.all) != nil { fetchOwnAgent(client, report) }
                    case .agents:
                        if agentFetches.request(.all) != nil { fetchAgents(client, report) }
                    case nil:
                        break
                    }
                }
                reason = "the engine closed the connection"
            } catch {
                reason = "\(error)"
            }
            await client?.close()
            client = nil
            if refreshRequested {
                refreshRequested = false
                action = policy.refreshRequested()
                continue
            }
            action = policy.failed()
            report(.lost(attempt: policy.failures, reason: reason))
        }
    }

    /// Drops the connection and loads everything again at once.
    public func refresh() async {
        refreshRequested = true
        await client?.close()
    }

    /// `call.hangup`; returns the line for the status bar.
    public func hangUp(callID: String) async -> String {
        await perform("hang-up", done: "call hung up") { try await $0.call(CallHangup.self, .init(id: callID)) }
    }

    /// `call.pickup` or `queue.pickup` to `extensionNumber`; returns the line for the status bar.
    public func pickUp(callID: String, to extensionNumber: String, fromQueue: Bool) async -> String {
        if fromQueue {
            return await perform("pickup", done: "the caller rings \(extensionNumber) now") {
                try await $0.call(QueuePickup.self, .init(call: callID, extension: extensionNumber))
            }
        }
        return await perform("pickup", done: "the call rings \(extensionNumber) now") {
            try await $0.call(CallPickup.self, .init(id: callID, extension: extensionNumber))
        }
    }

    /// `call.transfer` of the call's caller (or, `keepingCallee`, its callee) to `number`;
    /// returns the line for the status bar.
    public func transfer(callID: String, to number: String, keepingCallee: Bool) async -> String {
        let party = keepingCallee ? "callee" : "caller"
        return await perform("transfer", done: "the \(party) rings \(number) now") {
            try await $0.call(CallTransfer.self, .init(id: callID, to: number, keep: keepingCallee ? .callee : nil))
        }
    }

    /// `call.originate` from the user's phone `from` to `number`; returns the line for the
    /// status bar.
    public func originate(from: String, to number: String) async -> String {
        await perform("call", done: "your phone \(from) rings: pick it up to call \(number)") {
            try await $0.call(CallOriginate.self, .init(from: from, to: number))
        }
    }

    /// Pauses the recording of call `id`, or resumes it when paused; returns the line for the
    /// status bar.
    public func toggleRecording(callID id: String) async -> String {
        guard let client else { return "cannot change the recording: not connected to the engine" }
        do {
            guard let call = try await client.call(CallList.self, .init()).first(where: { $0.id == id }) else {
                return "your call has ended"
            }
            guard let recording = call.recording else { return "your call is not being recorded" }
            let action = recording == "paused" ? "resume" : "pause"
            let changed = try await client.call(CallRecord.self, .init(id: id, action: action))
            return changed.recording == "paused"
                ? "recording paused: your call is not recorded now (R resumes)" : "recording resumed"
        } catch let error as RPCError {
            return "recording not changed: \(error.message)"
        } catch {
            return "recording not changed: \(error)"
        }
    }

    /// Listens to (whispers to, barges into) `target`'s call from `supervisor`'s phone: switches
    /// the supervisor's running monitoring of that extension, or moves it from another one, or
    /// has the engine ring the phone. Returns the line for the status bar.
    public func monitor(_ target: String, from supervisor: String, mode: MonitorModeName) async -> String {
        guard let client else { return "cannot monitor: not connected to the engine" }
        do {
            let mine = try await client.call(MonitorList.self, .init()).first { $0.supervisor == supervisor }
            if let mine, mine.extension == target {
                _ = try await client.call(MonitorSetMode.self, .init(id: mine.id, mode: mode))
                return "now \(mode.rawValue)ing on \(target)'s call"
            }
            if let mine { _ = try await client.call(MonitorStop.self, .init(id: mine.id)) }
            _ = try await client.call(MonitorStart.self, .init(supervisor: supervisor, extension: target, mode: mode))
            return "your phone \(supervisor) rings: answer to \(mode.rawValue) on \(target)'s call"
        } catch let error as RPCError {
            return "monitor failed: \(error.message)"
        } catch {
            return "monitor failed: \(error)"
        }
    }

    /// Runs an agent command (`agent.pause/unpause/logout`); returns the line for the status bar.
    public func agentCommand(_ command: AgentCommand) async -> String {
        switch command {
        case .login(let agent, let extensionNumber, let queues):
            let which = queues.map { $0.joined(separator: ", ") } ?? "all queues"
            return await perform("login", done: "agent \(agent) logged in at \(extensionNumber) (\(which))") {
                try await $0.call(AgentLogin.self, .init(number: agent, extension: extensionNumber, queues: queues))
            }
        case .pause(let agent, let reason):
            return await perform("pause", done: "agent \(agent) paused (\(reason))") {
                try await $0.call(AgentPause.self, .init(number: agent, reason: reason))
            }
        case .unpause(let agent):
            return await perform("unpause", done: "agent \(agent) unpaused") {
                try await $0.call(AgentUnpause.self, .init(number: agent))
            }
        case .logout(let agent):
            return await perform("logout", done: "agent \(agent) logged out") {
                try await $0.call(AgentLogout.self, .init(number: agent))
            }
        }
    }

    private func perform<T: Sendable>(
        _ what: String, done: String, _ body: @Sendable (ControlClient) async throws -> T
    ) async -> String {
        guard let client else { return "cannot \(what): not connected to the engine" }
        do {
            _ = try await body(client)
            return done
        } catch let error as RPCError {
            return "\(what) failed: \(error.message)"
        } catch {
            return "\(what) failed: \(error)"
        }
    }

    // MARK: - Call-center figures

    private func fetchQueues(
        _ target: FetchCoalescer.Target, _ client: ControlClient, _ report: @escaping @Sendable (Update) -> Void
    ) {
        let generation = self.generation
        Task {
            let update = await Self.loadQueues(target, client)
            self.queuesLoaded(update, generation: generation, client: client, report: report)
        }
    }

    private func queuesLoaded(
        _ update: CallCenterUpdate?, generation: Int, client: ControlClient,
        report: @escaping @Sendable (Update) -> Void
    ) {
        guard generation == self.generation else { return }
        if let update { report(.callCenter(update)) }
        if let next = queueFetches.finished() { fetchQueues(next, client, report) }
    }

    private static func loadQueues(_ target: FetchCoalescer.Target, _ client: ControlClient) async -> CallCenterUpdate?
    {
        switch target {
        case .all:
            guard let list = try? await client.call(QueueStats.self, .init()) else { return nil }
            return .queues(list, only: nil)
        case .one(let name):
            do {
                return .queues(try await client.call(QueueStats.self, .init(queue: name)), only: name)
            } catch let error as RPCError where error.reason == .notFound {
                return .queues([], only: name)  // the queue was removed
            } catch {
                return nil
            }
        }
    }

    private func fetchAgents(_ client: ControlClient, _ report: @escaping @Sendable (Update) -> Void) {
        let generation = self.generation
        Task {
            let list = try? await client.call(AgentStatus.self, .init())
            self.agentsLoaded(list, generation: generation, client: client, report: report)
        }
    }

    private func agentsLoaded(
        _ list: [AgentStatusInfo]?, generation: Int, client: ControlClient,
        report: @escaping @Sendable (Update) -> Void
    ) {
        guard generation == self.generation else { return }
        if let list { report(.callCenter(.agents(list))) }
        if agentFetches.finished() != nil { fetchAgents(client, report) }
    }

    private func fetchOwnAgent(_ client: ControlClient, _ report: @escaping @Sendable (Update) -> Void) {
        let generation = self.generation
        Task {
            let info = try? await client.call(AgentSelf.self, .init())
            self.ownAgentLoaded(info, generation: generation, client: client, report: report)
        }
    }

    private func ownAgentLoaded(
        _ info: AgentStatusInfo?, generation: Int, client: ControlClient, report: @escaping @Sendable (Update) -> Void
    ) {
        guard generation == self.generation else { return }
        if let info {
            ownAgentNumber = info.number
            report(.callCenter(.ownAgent(info)))
        }
        if agentFetches.finished() != nil { fetchOwnAgent(client, report) }
    }

    // MARK: - Snapshot

    private func connectAndLoad() async throws -> (
        ControlClient, ConsoleSnapshot, AsyncThrowingStream<RPCEvent, any Error>
    ) {
        let client = try await ControlClient.connect(socketPath: socketPath, timeout: .seconds(5))
        do {
            let hello = try await client.hello(client: clientName)
            // Subscribe first: events from here on are buffered, so nothing falls between
            // the lists and the stream; replays are harmless (the model is idempotent).
            // An agent follows its own agent only: it may not read calls, extensions or queues.
            let topics = hello.role == .agent ? [CallCenterEvents.agentTopic] : scope.topics
            let (subscription, events) = try await client.subscribe(topics: topics)
            // Roles outside the staff (agent, wallboard) may not list extensions or calls.
            let lists = scope == .console && Set<Role>.staff.contains(hello.role)
            async let status = client.call(EngineStatus.self, .init())
            async let extensions = lists ? client.call(ExtensionList.self, .init()) : []
            async let registrations = lists ? client.call(RegistrationList.self, .init()) : []
            async let calls = lists ? client.call(CallList.self, .init()) : []
            // An engine without parking (before stop 62) answers method_not_found: none parked.
            async let parked = lists ? Self.callCenter { try await client.call(CallParked.self, .init()) } : []
            async let queues = Self.callCenter { try await client.call(QueueStats.self, .init()) }
            async let agents = Self.callCenter { try await client.call(AgentStatus.self, .init()) }
            async let own = hello.role == .agent && scope == .console ? Self.ownAgent(client) : (nil, nil)
            let (ownAgent, ownAgentProblem) = try await own
            let snapshot = ConsoleSnapshot(
                seq: subscription.seq, status: try await status, extensions: try await extensions,
                registrations: try await registrations.map(Registration.init), calls: try await calls,
                role: hello.role, queues: try await queues, agents: try await agents, ownAgent: ownAgent,
                ownAgentProblem: ownAgentProblem, parked: try await parked ?? [])
            return (client, snapshot, events)
        } catch {
            await client.close()
            throw error
        }
    }

    /// `agent.self`, or the engine's reason why not (no agent mapped to this user; an
    /// older engine without the method).
    private static func ownAgent(_ client: ControlClient) async throws -> (AgentStatusInfo?, String?) {
        do {
            return (try await client.call(AgentSelf.self, .init()), nil)
        } catch let error as RPCError {
            return (nil, error.message)
        }
    }

    /// A call-center list, or nil when this engine has none (older engine:
    /// `method_not_found`; no handler: `unavailable`) or the role may not read it.
    private static func callCenter<T: Sendable>(_ load: @Sendable () async throws -> T) async throws -> T? {
        do {
            return try await load()
        } catch let error as RPCError
            where [.methodNotFound, .unavailable, .forbidden].contains(error.reason ?? .internal)
        {
            return nil
        }
    }

    /// Sleeps for `delay`, ending early on cancellation or a refresh request.
    private func pause(_ delay: Duration) async {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline, !refreshRequested, !Task.isCancelled {
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
        refreshRequested = false
    }
}
