import Foundation
import Logging
import Synchronization
import VPBXACD
import VPBXControl
import VPBXPBX

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

extension Engine {
    /// The ACD, wired to the core (ringing cancelled), the event stream and the store.
    static func makeQueueCenter(pbx: PBXCore, events: EventHub, logger: Logger) -> QueueCenter {
        QueueCenter(
            hooks: .init(
                cancelRinging: { callID in await pbx.cancelHandOn(callID: callID) },
                recordsFinished: { records in
                    for record in records {
                        logger.info(
                            "queue call finished",
                            metadata: [
                                "queue": "\(record.queue)", "caller": "\(record.caller)", "outcome": "\(record.outcome.rawValue)",
                                "agent": "\(record.agent ?? "-")", "wait": "\(Int(record.waitSeconds))",
                            ])
                    }
                },
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
