import Foundation
import VPBXControl

/// What the console knows about the engine: a pure value, fed a snapshot and then events,
/// drawn by the screens. It never talks to the engine itself; `ConsoleController` does.
public struct ConsoleModel: Sendable, Equatable {
    public internal(set) var connection: ConnectionState = .connecting
    /// From the last snapshot (engine version, start time, listen addresses).
    public internal(set) var status: EngineStatus.Result?
    public internal(set) var extensions: [String: ExtensionInfo] = [:]
    public internal(set) var registrations: [Registration.Key: Registration] = [:]
    public internal(set) var calls: [String: CallInfo] = [:]
    /// The caller's role from `engine.hello`; nil until known.
    public internal(set) var role: Role?
    /// Call-center queues by name (`queue.stats`).
    public internal(set) var queues: [String: QueueStatsInfo] = [:]
    /// Call-center agents by number (`agent.status`).
    public internal(set) var agents: [String: AgentStatusInfo] = [:]
    /// The console user's own agent (`agent.self`), loaded for the agent role.
    public internal(set) var ownAgent: AgentStatusInfo?
    /// Why there is no `ownAgent` for an agent-role user (e.g. no agent is mapped to them).
    public internal(set) var ownAgentProblem: String?
    /// The agent screen's memory of recent queue calls; survives reconnects.
    public internal(set) var desk = AgentDesk()
    /// Whether the engine serves queue figures to this console (false for an older engine
    /// or a role that may not read them: then there are simply no queues).
    public internal(set) var hasCallCenter = false
    /// The last event applied (or the snapshot's starting point).
    public internal(set) var seq: UInt64 = 0
    /// A one-line message for the status bar, e.g. the outcome of a hang-up.
    public var notice: String?
    /// Ids of calls that ended, so a late or repeated event cannot bring one back.
    var endedCalls = Tombstones(capacity: 4096)

    public init() {}

    /// Replaces everything with a fresh snapshot and marks the console connected.
    public mutating func load(_ snapshot: ConsoleSnapshot) {
        status = snapshot.status
        seq = snapshot.seq
        extensions = Dictionary(snapshot.extensions.map { ($0.number, $0) }, uniquingKeysWith: { _, last in last })
        registrations = Dictionary(snapshot.registrations.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        calls = Dictionary(
            snapshot.calls.filter { !endedCalls.contains($0.id) }.map { ($0.id, $0) },
            uniquingKeysWith: { _, last in last })
        role = snapshot.role
        hasCallCenter = snapshot.queues != nil
        queues = Dictionary((snapshot.queues ?? []).map { ($0.queue, $0) }, uniquingKeysWith: { _, last in last })
        agents = Dictionary((snapshot.agents ?? []).map { ($0.number, $0) }, uniquingKeysWith: { _, last in last })
        ownAgent = snapshot.ownAgent
        ownAgentProblem = snapshot.ownAgentProblem
        connection = .connected
    }

    /// Records a connection change; returns whether anything visible changed.
    @discardableResult
    public mutating func setConnection(_ state: ConnectionState) -> Bool {
        guard connection != state else { return false }
        connection = state
        return true
    }

    /// Inserts or replaces one extension (after `extension.created`/`updated`).
    @discardableResult
    public mutating func upsert(_ info: ExtensionInfo) -> Bool {
        guard extensions[info.number] != info else { return false }
        extensions[info.number] = info
        return true
    }

    // MARK: - Derived views

    /// Extensions ordered by number (numerically when both are numbers).
    public var sortedExtensions: [ExtensionInfo] {
        extensions.values.sorted { $0.number.localizedStandardCompare($1.number) == .orderedAscending }
    }

    /// Calls oldest first, so rows do not jump around as calls come and go.
    public var sortedCalls: [CallInfo] {
        calls.values.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// Registrations of `number` that have not expired at `now`.
    public func liveRegistrations(of number: String, now: Date) -> [Registration] {
        registrations.values.filter { $0.number == number && $0.expiresAt > now }
    }

    /// The display name of a party: the extension's name when it is one of ours.
    public func name(of party: String) -> String? {
        extensions[party]?.name
    }
}

/// A bounded set remembering the most recent ids inserted.
struct Tombstones: Sendable, Equatable {
    let capacity: Int
    private var order: [String] = []
    private var members: Set<String> = []

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ id: String) -> Bool { members.contains(id) }

    mutating func insert(_ id: String) {
        guard members.insert(id).inserted else { return }
        order.append(id)
        if order.count > capacity { members.remove(order.removeFirst()) }
    }
}
