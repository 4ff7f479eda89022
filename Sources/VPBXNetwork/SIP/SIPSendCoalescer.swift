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
/// UDP datagrams the core hands off come as ``Payload/direct(_:sender:)``: the loop sends each
/// run of them for one socket with one `sendmmsg` on the listener's descriptor
/// (``UDPDirectSender``), without NIO's buffer, envelope, promise and pipeline, and falls back
/// to NIO only for what that could not send.
/// The core sends them itself while it keeps up (no hand-off, no wake-up; gathered per batch
/// into `sendmmsg` runs, ``SIPDatagramGatherer``); while it is behind
/// (``SIPTransport/sendsFromEventLoops``) it hands its datagrams off, because the
/// kernel's work for each (on loopback, delivering it into the receiver and waking it: a fifth
/// of the core thread's time at 3,000 calls/s) then runs here, in parallel with the core.
final class SIPSendCoalescer: Sendable {
    enum Payload {
        case datagram(AddressedEnvelope<ByteBuffer>)
        case stream(ByteBuffer)
        case direct(OutgoingDatagram, sender: UDPDirectSender)
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
        var index = items.startIndex
        while index < items.endIndex {
            let item = items[index]
            let channelID = ObjectIdentifier(item.channel)
            written[channelID] = item.channel
            switch item.payload {
            case .datagram(let envelope): item.channel.write(envelope, promise: item.promise)
            case .stream(let buffer): item.channel.write(buffer, promise: item.promise)
            case .direct(_, let sender):
                // The run of direct datagrams for this socket goes in one system call.
                var run: [OutgoingDatagram] = []
                var end = index
                while end < items.endIndex, case .direct(let datagram, let next) = items[end].payload, next === sender {
                    run.append(datagram)
                    end += 1
                }
                let sent = fellBack.contains(channelID) ? 0 : sender.send(run[...])
                if sent < run.count { fellBack.insert(channelID) }
                for datagram in run[sent...] { writeThroughNIO(datagram, on: item.channel) }
                index = end
                continue
            }
            index += 1
        }
        for channel in written.values { channel.flush() }
    }

    /// A full send buffer (or a closed duplicate): NIO queues the datagram or reports why not.
    private func writeThroughNIO(_ datagram: OutgoingDatagram, on channel: any Channel) {
        let envelope = AddressedEnvelope(remoteAddress: datagram.address, data: channel.allocator.buffer(bytes: datagram.bytes))
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { [directFailed] error in directFailed(datagram.bytes.count, datagram.address, error) }
        channel.write(envelope, promise: promise)
    }
}
