import Foundation
import Logging
import Synchronization
import VPBXACD
import VPBXControl
import VPBXPBX
import VPBXStore
import VPBXText

/// The core's call events reach the queue center through this link, in order (one consumer
/// task: a call's end must never overtake its start). The core is made before the center
/// (whose hooks need the core), so the link is filled in afterwards; events before that
/// concern no queue and no logged-in agent.
final class QueueCenterLink: Sendable {
    private let center = Mutex<QueueCenter?>(nil)
    private let events: AsyncStream<PBXEvent>.Continuation

    init() {
        let (stream, continuation) = AsyncStream<PBXEvent>.makeStream(bufferingPolicy: .unbounded)
        events = continuation
        Task { [weak self] in
            for await event in stream {
                guard let queues = self?.center.withLock({ $0 }) else { continue }
                await Self.deliver(event, to: queues)
            }
        }
    }

    func set(_ value: QueueCenter) { center.withLock { $0 = value } }

    /// Whether the queue center needs call events now (it has a queue or an agent).
    var isWanted: Bool { center.withLock { $0?.wantsCallEvents ?? false } }

    func observe(_ event: PBXEvent) {
        guard isWanted else { return }
        switch event {
        case .callStarted, .callRinging, .callAnswered, .callEnded, .callHeld, .callResumed, .callTransferred:
            events.yield(event)
        default: break
        }
    }

    /// Calls of agents' phones: a queue call that ended starts the agent's wrap-up; a direct
    /// call makes the agent busy for queue calls until it ends.
    private static func deliver(_ event: PBXEvent, to center: QueueCenter) async {
        switch event {
        case .callStarted(let call), .callRinging(let call), .callAnswered(let call):
            await center.observe(callID: call.id.lowercaseText, parties: [call.caller, call.callee], ended: false)
        case .callEnded(let call, _, _):
            let id = call.id.lowercaseText
            await center.observe(callID: id, parties: [], ended: true)
            await center.callEnded(callID: id)
        case .callTransferred(let call, _):
            await center.callTransferred(callID: call.id.lowercaseText)
        case .callHeld(let call, _):
            await center.callHeld(callID: call.id.lowercaseText, held: true)
        case .callResumed(let call, _):
            // Resumed only when nobody holds it any more (both parties may hold).
            if call.heldBy.isEmpty { await center.callHeld(callID: call.id.lowercaseText, held: false) }
        default:
            break
        }
    }
}

/// Store writes from the queue center, one at a time in order (a logout must not overtake the
/// login before it), retried with a growing pause when the database is busy; one that still
/// fails is logged in full, so it is never silently lost.
final class OrderedStoreWrites<Element: Sendable>: Sendable {
    private let items: AsyncStream<Element>.Continuation

    init(_ what: String, logger: Logger, write: @escaping @Sendable (Element) async throws -> Void) {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: .unbounded)
        items = continuation
        Task {
            for await item in stream {
                var attempt = 0
                while true {
                    do {
                        try await write(item)
                        break
                    } catch {
                        attempt += 1
                        guard attempt < 6 else {
                            logger.error("\(what) not stored", metadata: ["item": "\(item)", "error": "\(error)"])
                            break
                        }
                        try? await Task.sleep(for: .milliseconds(100 << attempt))
                    }
                }
            }
        }
    }

    func write(_ item: Element) { items.yield(item) }
}

extension QueueCallLogRecord {
    /// The store's row for a finished queue call.
    init(_ record: QueueCallRecord) {
        self.init(
            queue: record.queue, caller: record.caller, priority: record.priority, joinedAt: record.joinedAt,
            outcome: record.outcome.rawValue, exitReason: record.exitReason?.rawValue, leftQueueAt: record.leftQueueAt,
            agent: record.agent, endedAt: record.endedAt, completedAt: record.completedAt,
            waitSeconds: record.waitSeconds, talkSeconds: record.talkSeconds, wrapUpSeconds: record.wrapUpSeconds)
    }
}

extension Engine {
    /// The ACD, wired to the core (ringing cancelled), the event stream and the store.
    static func makeQueueCenter(pbx: PBXCore, database: VPBXDatabase, events: EventHub, logger: Logger) -> QueueCenter {
        let callLog = GRDBQueueCallLogRepository(database: database)
        let calls = OrderedStoreWrites<QueueCallLogRecord>("queue call record", logger: logger) {
            _ = try await callLog.insert($0)
        }
        let sessionStore = GRDBAgentSessionRepository(database: database)
        let sessions = OrderedStoreWrites<(String, AgentSession?)>("agent session", logger: logger) { agent, session in
            if let session {
                try await sessionStore.save(
                    AgentSessionRecord(
                        agent: agent, extensionNumber: session.extensionNumber, queues: session.queues,
                        pausedReason: session.pausedReason))
            } else {
                try await sessionStore.remove(agent: agent)
            }
        }
        return QueueCenter(
            hooks: .init(
                cancelRinging: { callID in await pbx.cancelHandOn(callID: callID) },
                recordsFinished: { records in for record in records { calls.write(QueueCallLogRecord(record)) } },
                cancelExtensions: { callID, extensions in await pbx.cancelHandOn(callID: callID, extensions: extensions) },
                changed: { change in
                    switch change {
                    case .queue(let name):
                        Task { _ = await events.publish(topic: "queue", type: "queue.changed", data: .object(["queue": .string(name)])) }
                    case .agent(let number):
                        Task { _ = await events.publish(topic: "agent", type: "agent.changed", data: .object(["agent": .string(number)])) }
                    }
                },
                sessionChanged: { agent, session in sessions.write((agent, session)) }),
            logger: logger)
    }
}

extension ControlHandlers {
    /// Logs the agents back in who were logged in when the engine stopped (after the queues
    /// are configured).
    func restoreAgentSessions(_ repository: any AgentSessionRepository) async {
        do {
            let stored = try await repository.list()
            await queueCenter.restore(
                stored.map {
                    ($0.agent, AgentSession(extensionNumber: $0.extensionNumber, queues: $0.queueList, pausedReason: $0.pausedReason))
                })
            if !stored.isEmpty { logger.notice("agents logged in again after the restart", metadata: ["agents": "\(stored.count)"]) }
        } catch {
            logger.error("agent sessions not restored", metadata: ["error": "\(error)"])
        }
    }
}

/// `*45` from a phone: the PIN is checked against the stored agent, the login goes to the
/// queue center (and from there to the stored sessions, like a login from the CLI).
struct EngineAgentLogin: AgentLoginService {
    let center: QueueCenter
    let agents: any AgentRepository
    let logger: Logger

    func agentLoggedIn(at extensionNumber: String) async -> String? {
        await center.agents().first { $0.state != .loggedOut && $0.extensionNumber == extensionNumber }?.profile.number
    }

    func login(agent: String, pin: String, at extensionNumber: String) async -> AgentLoginResult {
        guard let record = try? await agents.get(agent) else {
            logger.notice("agent login refused: unknown agent", metadata: ["agent": "\(agent)", "extension": "\(extensionNumber)"])
            return .refused
        }
        if let stored = record.pinHash, !VoicemailPIN.verify(pin, against: stored) {
            logger.notice("agent login refused: wrong PIN", metadata: ["agent": "\(agent)", "extension": "\(extensionNumber)"])
            return .refused
        }
        do {
            try await center.login(agent: agent, at: extensionNumber, queues: nil)
            return .loggedIn
        } catch {
            return error.isUnknownName ? .refused : .noQueues
        }
    }

    func logout(agent: String) async {
        try? await center.logout(agent: agent)
    }
}
