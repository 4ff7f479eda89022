import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VPBXMedia
import VPBXNetwork
import VPBXRTP

/// A datagram the peer received, with when it arrived.
struct Arrival: Sendable {
    let bytes: [UInt8]
    let source: SocketAddress
    let at: NIODeadline
}

/// A plain NIO UDP socket on 127.0.0.1 standing in for a phone: sends datagrams, records
/// what arrives and when.
final class TestPeer: Sendable {
    let channel: any Channel
    let port: Int
    private let inbox: NIOLockedValueBox<[Arrival]>

    private init(channel: any Channel, inbox: NIOLockedValueBox<[Arrival]>) {
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.inbox = inbox
    }

    static func bind() async throws -> TestPeer {
        let inbox = NIOLockedValueBox<[Arrival]>([])
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestPeer(channel: channel, inbox: inbox)
    }

    func send(_ bytes: [UInt8], to port: Int) async throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))).get()
    }

    var received: [Arrival] { inbox.withLockedValue { $0 } }

    func clear() { inbox.withLockedValue { $0.removeAll() } }

    /// Received RTP packets, parsed (anything else skipped).
    var rtp: [(packet: ReceivedRTPPacket, at: NIODeadline)] {
        received.compactMap { arrival in ReceivedRTPPacket(bytes: arrival.bytes).map { ($0, arrival.at) } }
    }

    func close() async { try? await channel.close() }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: NIOLockedValueBox<[Arrival]>
        init(inbox: NIOLockedValueBox<[Arrival]>) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let arrival = Arrival(
                bytes: Array(envelope.data.readableBytesView), source: envelope.remoteAddress, at: .now())
            inbox.withLockedValue { $0.append(arrival) }
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` every 5 ms until it holds; throws after `timeout`.
func eventually(
    timeout: Duration = .seconds(3), _ what: String = "condition", _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    if try await condition() { return }
    throw TimedOut(description: "\(what) not reached within \(timeout)")
}

/// A relay (for its port pool and loops) over `pairs` pairs of the next block of 26000-29999,
/// handed out in turn (from a random one, wrapping) so that tests running at once never share
/// ports; VPBXNetworkTests use 20000-25999.
func makeRelay(pairs: Int = 4) throws -> RTPRelay {
    precondition(pairs <= 10, "a test range is at most 10 pairs")
    let block = nextPortBlock.withLockedValue { block -> Int in
        defer { block = (block + 1) % 200 }
        return block
    }
    let base = 26_000 + block * 20
    return try RTPRelay(
        group: MultiThreadedEventLoopGroup.singleton,
        configuration: .init(portRange: base...(base + pairs * 2 - 1), inactivityTimeout: nil))
}

private let nextPortBlock = NIOLockedValueBox(Int.random(in: 0..<200))

/// Sends RTP as a phone would: one stream, 20 ms frames, RFC 4733 keys, paced by sleeping.
struct PhoneStream {
    var sender: RTPSender
    let peer: TestPeer
    let target: Int
    /// The latest a frame of ``sendTone(_:frames:)`` went out after its due time: a loaded
    /// machine sends in bursts, which a receiver's jitter buffer rightly conceals as loss.
    private(set) var worstLateness: Duration = .zero

    init(peer: TestPeer, target: Int, law: G711.Law = .alaw) {
        self.peer = peer
        self.target = target
        sender = RTPSender(law: law, ssrc: 0x1234_5678, sequenceNumber: 65500, timestamp: 4_294_960_000)
    }

    /// `frames` frames of `tone`, one every 20 ms.
    mutating func sendTone(_ tone: Tone, frames: Int) async throws {
        var generator = ToneGenerator(tone)
        let clock = ContinuousClock()
        let start = clock.now
        for frame in 0..<frames {
            worstLateness = max(worstLateness, clock.now - (start + .milliseconds(20 * frame)))
            try await peer.send(sender.audioPacket(generator.nextFrame() ?? []), to: target)
            // Absolute deadlines, like a phone's sound card clock: sleeping 20 ms each time
            // would run slow and drain the receiver's jitter buffer.
            try await Task.sleep(until: start + .milliseconds(20 * (frame + 1)), clock: clock)
        }
    }

    /// A key as RFC 4733 packets, with the end packet three times and one network duplicate.
    mutating func sendKey(_ digit: DTMFDigit) async throws {
        var events = TelephoneEventSender()
        var time = 0
        var packets = events.start(digit, timestamp: sender.timestamp, now: time)
        while !events.isIdle {
            for packet in packets {
                let bytes = sender.eventPacket(packet)
                try await peer.send(bytes, to: target)
                if packet.event.isEnd { try await peer.send(bytes, to: target) }
            }
            time += 160
            sender.skipSilence()
            packets = events.advance(to: time)
            try await Task.sleep(for: .milliseconds(5))
        }
        for packet in packets { try await peer.send(sender.eventPacket(packet), to: target) }
    }
}
