import Foundation
import Logging
import Synchronization
import VPBXACD
import VPBXControl
import VPBXPBX
import VPBXStore

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

    func observe(_ event: PBXEvent) {
        switch event {
        case .callStarted, .callRinging, .callAnswered, .callEnded: events.yield(event)
        default: break
        }
    }

    /// Calls of agents' phones: a queue call that ended starts the agent's wrap-up; a direct
    /// call makes the agent busy for queue calls until it ends.
    private static func deliver(_ event: PBXEvent, to center: QueueCenter) async {
        switch event {
        case .callStarted(let call), .callRinging(let call), .callAnswered(let call):
            await center.observe(callID: call.id.uuidString.lowercased(), parties: [call.caller, call.callee], ended: false)
        case .callEnded(let call, _, _):
            let id = call.id.uuidString.lowercased()
            await center.observe(callID: id, parties: [], ended: true)
            await center.callEnded(callID: id)
        default:
            break
        }
    }
}

/// Writes finished queue calls to the store for `vpbx report queue`, one at a time in order,
/// retrying a failed write (a busy database) with a growing pause; a record that still cannot
/// be written is logged in full, so it is never silently lost.
final class QueueCallLogWriter: Sendable {
    private let records: AsyncStream<QueueCallRecord>.Continuation

    init(repository: any QueueCallLogRepository, logger: Logger) {
        let (stream, continuation) = AsyncStream<QueueCallRecord>.makeStream(bufferingPolicy: .unbounded)
        records = continuation
        Task {
            for await record in stream {
                let row = QueueCallLogRecord(
                    queue: record.queue, caller: record.caller, priority: record.priority, joinedAt: record.joinedAt,
                    outcome: record.outcome.rawValue, exitReason: record.exitReason?.rawValue,
                    leftQueueAt: record.leftQueueAt, agent: record.agent, endedAt: record.endedAt,
                    completedAt: record.completedAt, waitSeconds: record.waitSeconds, talkSeconds: record.talkSeconds,
                    wrapUpSeconds: record.wrapUpSeconds)
                var attempt = 0
                while true {
                    do {
                        _ = try await repository.insert(row)
                        break
                    } catch {
                        attempt += 1
                        guard attempt < 6 else {
                            logger.error(
                                "queue call record not stored", metadata: ["record": "\(row)", "error": "\(error)"])
                            break
                        }
                        try? await Task.sleep(for: .milliseconds(100 << attempt))
                    }
                }
            }
        }
    }

    func write(_ batch: [QueueCallRecord]) {
        for record in batch { records.yield(record) }
    }
}

extension Engine {
    /// The ACD, wired to the core (ringing cancelled), the event stream and the store.
    static func makeQueueCenter(
        pbx: PBXCore, events: EventHub, callLog: QueueCallLogWriter, logger: Logger
    ) -> QueueCenter {
        QueueCenter(
            hooks: .init(
                cancelRinging: { callID in await pbx.cancelHandOn(callID: callID) },
                recordsFinished: { records in callLog.write(records) },
                changed: { change in
                    switch change {
                    case .queue(let name):
                        Task { _ = await events.publish(topic: "queue", type: "queue.changed", data: .object(["queue": .string(name)])) }
                    case .agent(let number):
                        Task { _ = await events.publish(topic: "agent", type: "agent.changed", data: .object(["agent": .string(number)])) }
                    }
                }),
            logger: logger)
    }
}
