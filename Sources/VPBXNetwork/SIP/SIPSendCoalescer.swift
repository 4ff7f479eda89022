import NIOConcurrencyHelpers
import NIOCore

/// Sends from threads other than the socket's event loop (the PBX core's), gathered per loop:
/// the first message queued schedules one task on the loop, later ones join it until it runs,
/// and the task writes them all and flushes each socket once.
///
/// Without this every message costs its own task on the loop, and a loop that went to sleep
/// between two messages is woken twice (an eventfd write and a context switch each). Under
/// load the core sends bursts (a response, the INVITE to the callee, an ACK), so they share
/// one wake-up. Order per socket is kept: one queue per loop, drained in order.
final class SIPSendCoalescer: Sendable {
    enum Payload {
        case datagram(AddressedEnvelope<ByteBuffer>)
        case stream(ByteBuffer)
    }

    private struct Item {
        let channel: any Channel
        let payload: Payload
        let promise: EventLoopPromise<Void>?
    }

    private struct Queue {
        var items: [Item] = []
        var scheduled = false
    }

    /// By event loop identity.
    private let queues = NIOLockedValueBox<[ObjectIdentifier: Queue]>([:])

    func send(_ payload: Payload, on channel: any Channel, promise: EventLoopPromise<Void>?) {
        let loop = channel.eventLoop
        let key = ObjectIdentifier(loop as AnyObject)
        let item = Item(channel: channel, payload: payload, promise: promise)
        let schedule = queues.withLockedValue { queues -> Bool in
            queues[key, default: Queue()].items.append(item)
            guard !queues[key]!.scheduled else { return false }
            queues[key]!.scheduled = true
            return true
        }
        if schedule { loop.execute { self.drain(key) } }
    }

    private func drain(_ key: ObjectIdentifier) {
        let items = queues.withLockedValue { queues -> [Item] in
            let items = queues[key]?.items ?? []
            queues[key] = Queue()
            return items
        }
        var written: [ObjectIdentifier: any Channel] = [:]
        for item in items {
            switch item.payload {
            case .datagram(let envelope): item.channel.write(envelope, promise: item.promise)
            case .stream(let buffer): item.channel.write(buffer, promise: item.promise)
            }
            written[ObjectIdentifier(item.channel)] = item.channel
        }
        for channel in written.values { channel.flush() }
    }
}
