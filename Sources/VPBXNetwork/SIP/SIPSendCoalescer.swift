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
///
/// UDP datagrams the core hands off come as ``Payload/direct(bytes:to:sender:)``: the loop
/// sends each with one `sendto` on the listener's descriptor (``UDPDirectSender``), without
/// NIO's buffer, envelope, promise and pipeline, and falls back to NIO only when that fails.
/// The core makes that `sendto` itself while it keeps up (no hand-off, no wake-up); while it is
/// behind (``SIPTransport/sendsFromEventLoops``) it hands its datagrams off, because the
/// kernel's work for each (on loopback, delivering it into the receiver and waking it: a fifth
/// of the core thread's time at 3,000 calls/s) then runs here, in parallel with the core.
final class SIPSendCoalescer: Sendable {
    enum Payload {
        case datagram(AddressedEnvelope<ByteBuffer>)
        case stream(ByteBuffer)
        case direct(bytes: [UInt8], to: SocketAddress, sender: UDPDirectSender)
    }

    /// Told about a direct datagram that NIO's fallback could not send either.
    private let directFailed: @Sendable (_ bytes: Int, _ to: SocketAddress, _ error: any Error) -> Void

    init(directFailed: @escaping @Sendable (_ bytes: Int, _ to: SocketAddress, _ error: any Error) -> Void = { _, _, _ in }) {
        self.directFailed = directFailed
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

    /// Whether nothing is queued for `channel`'s loop or still being sent there, so that a
    /// datagram sent right now on another thread cannot overtake one handed off earlier.
    func isIdle(for channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel.eventLoop as AnyObject)
        return queues.withLockedValue { !($0[key]?.scheduled ?? false) }
    }

    /// Sends what is queued, and what is queued meanwhile, before the loop counts as idle.
    private func drain(_ key: ObjectIdentifier) {
        while true {
            let items = queues.withLockedValue { queues -> [Item] in
                let items = queues[key]?.items ?? []
                queues[key]?.items = []
                if items.isEmpty { queues[key]?.scheduled = false }
                return items
            }
            if items.isEmpty { return }
            write(items)
        }
    }

    private func write(_ items: [Item]) {
        var written: [ObjectIdentifier: any Channel] = [:]
        // Channels where a direct send failed: the rest of their datagrams follow it through
        // NIO (which sends at the flush below), so none overtakes it.
        var fellBack: Set<ObjectIdentifier> = []
        for item in items {
            switch item.payload {
            case .datagram(let envelope): item.channel.write(envelope, promise: item.promise)
            case .stream(let buffer): item.channel.write(buffer, promise: item.promise)
            case .direct(let bytes, let address, let sender):
                let channelID = ObjectIdentifier(item.channel)
                if !fellBack.contains(channelID), sender.send(bytes, to: address) { continue }
                fellBack.insert(channelID)
                // A full send buffer (or a closed duplicate): NIO queues it or reports why not.
                let envelope = AddressedEnvelope(remoteAddress: address, data: item.channel.allocator.buffer(bytes: bytes))
                let promise = item.channel.eventLoop.makePromise(of: Void.self)
                promise.futureResult.whenFailure { [directFailed] error in directFailed(bytes.count, address, error) }
                item.channel.write(envelope, promise: promise)
            }
            written[ObjectIdentifier(item.channel)] = item.channel
        }
        for channel in written.values { channel.flush() }
    }
}
