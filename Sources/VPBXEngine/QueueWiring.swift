import Foundation
import Logging
import Synchronization
import VPBXACD
import VPBXControl
import VPBXPBX

/// The core's call events reach the queue center through this link: the core is made before
/// the center (whose hooks need the core), so the link is filled in afterwards. Events before
/// that concern no queue call.
final class QueueCenterLink: Sendable {
    private let center = Mutex<QueueCenter?>(nil)

    func set(_ value: QueueCenter) { center.withLock { $0 = value } }

    /// A call that ended may have been a queue call put through to an agent: its wrap-up starts.
    func observe(_ event: PBXEvent) {
        guard case .callEnded(let call, _, _) = event, let center = center.withLock({ $0 }) else { return }
        let id = call.id.uuidString.lowercased()
        Task { await center.callEnded(callID: id) }
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
