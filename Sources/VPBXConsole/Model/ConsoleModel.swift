import Foundation
import VPBXControl

/// What the console knows about the engine: a pure value, fed a snapshot and then events,
/// drawn by the screens. It never talks to the engine itself; `ConsoleController` does.
public struct ConsoleModel: Sendable, Equatable {
    public internal(set) var connection: ConnectionState = .connecting
    /// From the last snapshot (engine version, start time, listen addresses).
    public internal(set) var status: EngineStatus.Result?
    /// Change through ``upsert(_:)`` and ``removeExtension(_:)``, which keep
    /// ``extensionNumbers`` in order.
    public private(set) var extensions: [String: ExtensionInfo] = [:]
    /// The extensions' numbers in display order (``ExtensionOrder``), kept as extensions come
    /// and go: sorting 20,000 of them on every frame made a console a full core behind a
    /// registration storm, drawing two events a second.
    public private(set) var extensionNumbers: [String] = []
    /// Change through ``setRegistration(_:)`` and ``removeRegistration(_:)``, which keep
    /// the index by number.
    public private(set) var registrations: [Registration.Key: Registration] = [:]
    /// The keys of each number's registrations: a row's phones without a pass over all.
    private var registrationKeys: [String: Set<Registration.Key>] = [:]
    public internal(set) var calls: [String: CallInfo] = [:]
    /// Calls whose answer waits for a mobile to press 1 (`call.confirming`), with the
    /// extension whose mobile it is; gone with any later event of the call.
    public internal(set) var confirmingCalls: [String: String] = [:]
    /// Calls parked on a slot of the lot, by call id (`call.parked`, until `call.unparked`).
    public internal(set) var parkedCalls: [String: ParkedSlot] = [:]
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
        extensionNumbers = extensions.keys.sorted(by: ExtensionOrder.precedes)
        registrations = Dictionary(snapshot.registrations.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        registrationKeys = Dictionary(grouping: registrations.keys, by: \.number).mapValues { Set($0) }
        calls = Dictionary(
            snapshot.calls.filter { !endedCalls.contains($0.id) }.map { ($0.id, $0) },
            uniquingKeysWith: { _, last in last })
        // A snapshot's calls say nothing of a mobile's question: a mark kept only while its
        // call is still ringing in it.
        confirmingCalls = confirmingCalls.filter { calls[$0.key]?.state == .ringing }
        parkedCalls = Dictionary(
            snapshot.parked.filter { calls[$0.id] != nil }.map { ($0.id, ParkedSlot(slot: $0.slot, parkedBy: $0.parkedBy)) },
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
        if extensions.updateValue(info, forKey: info.number) == nil {
            extensionNumbers.insert(info.number, at: ExtensionOrder.insertionIndex(of: info.number, in: extensionNumbers))
        }
        return true
    }

    /// Removes one extension; returns whether it was there.
    @discardableResult
    mutating func removeExtension(_ number: String) -> Bool {
        guard extensions.removeValue(forKey: number) != nil else { return false }
        let index = ExtensionOrder.insertionIndex(of: number, in: extensionNumbers)
        if index < extensionNumbers.count, extensionNumbers[index] == number {
            extensionNumbers.remove(at: index)
        } else {
            extensionNumbers.removeAll { $0 == number }
        }
        return true
    }

    /// Inserts or replaces one registration; returns whether anything changed.
    @discardableResult
    mutating func setRegistration(_ registration: Registration) -> Bool {
        guard registrations[registration.key] != registration else { return false }
        registrations[registration.key] = registration
        registrationKeys[registration.number, default: []].insert(registration.key)
        return true
    }

    /// Removes one registration; returns whether it was there.
    @discardableResult
    mutating func removeRegistration(_ key: Registration.Key) -> Bool {
        guard registrations.removeValue(forKey: key) != nil else { return false }
        registrationKeys[key.number]?.remove(key)
        if registrationKeys[key.number]?.isEmpty == true { registrationKeys[key.number] = nil }
        return true
    }

    // MARK: - Derived views

    /// Calls oldest first, so rows do not jump around as calls come and go.
    public var sortedCalls: [CallInfo] {
        calls.values.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// Registrations of `number` that have not expired at `now`.
    public func liveRegistrations(of number: String, now: Date) -> [Registration] {
        (registrationKeys[number] ?? []).compactMap { registrations[$0] }.filter { $0.expiresAt > now }
    }

    /// The display name of a party: the extension's name when it is one of ours.
    public func name(of party: String) -> String? {
        extensions[party]?.name
    }
}

/// The console's order of extension numbers: numerically when both are numbers (2 before
/// 10), else as Finder sorts names.
enum ExtensionOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let a = digits(a), let b = digits(b) {
            // Without leading zeros the shorter number is the smaller; then digit by digit,
            // and "007" after "7" so that distinct texts never tie.
            if a.significant.count != b.significant.count { return a.significant.count < b.significant.count }
            if !a.significant.elementsEqual(b.significant) {
                return a.significant.lexicographicallyPrecedes(b.significant)
            }
            return a.all.count < b.all.count
        }
        return a.localizedStandardCompare(b) == .orderedAscending
    }

    /// Where `number` goes in `sorted` (the first index not before it).
    static func insertionIndex(of number: String, in sorted: [String]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if precedes(sorted[middle], number) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func digits(_ text: String) -> (all: String.UTF8View, significant: Substring.UTF8View)? {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let significant = Substring(text).drop { $0 == "0" }.utf8
        return (bytes, significant)
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

/// Where a call is parked, as the console shows it.
public struct ParkedSlot: Sendable, Hashable {
    public var slot: Int
    /// The extension that parked it.
    public var parkedBy: String

    public init(slot: Int, parkedBy: String) {
        self.slot = slot
        self.parkedBy = parkedBy
    }
}
