import NIOCore
import VPBXRTP

/// Plays a ``RelayAudioLoop`` out of one side's RTP socket, as its own RTP stream (own SSRC,
/// sequence numbers and timestamps), while the forwarding from the other side is held back.
///
/// Confined to the session's event loop. Packets leave on a fixed 20 ms grid measured from the
/// start, not 20 ms after the previous send, so timer lateness does not slow the music down;
/// a late wake-up sends the packets it owes (a few at most) in one flush.
final class RelayAudioInjector {
    /// More than this many packets behind (the loop was blocked): skip ahead instead of bursting.
    static let maxCatchUpPackets = 5
    static let packetInterval = TimeAmount.milliseconds(20)

    private let audio: RelayAudioLoop
    private let endpoint: RelayEndpoint
    private var header: RTPHeader
    private var offset: Int
    private var start: NIODeadline
    private var sent: Int64 = 0
    private var scheduled: Scheduled<Void>?
    private let eventLoop: any EventLoop

    init(audio: RelayAudioLoop, endpoint: RelayEndpoint, ssrc: UInt32, firstSequence: UInt16, firstTimestamp: UInt32) {
        self.audio = audio
        self.endpoint = endpoint
        self.header = RTPHeader(marker: true, payloadType: audio.payloadType, sequenceNumber: firstSequence, timestamp: firstTimestamp, ssrc: ssrc)
        self.offset = 0
        self.start = .now()
        self.eventLoop = endpoint.channel.eventLoop
    }

    /// Sends the first packet now and keeps the grid going until ``stop()``.
    func begin() {
        self.start = .now()
        self.sendDue()
    }

    func stop() {
        self.scheduled?.cancel()
        self.scheduled = nil
    }

    private func sendDue() {
        let elapsed = NIODeadline.now() - self.start
        var due = elapsed.nanoseconds / Self.packetInterval.nanoseconds + 1 - self.sent
        if due > Int64(Self.maxCatchUpPackets) {
            // Resynchronise the grid; the skipped time still advances the RTP clock, as a
            // real-time source would.
            let skipped = due - 1
            self.sent += skipped
            self.header.timestamp &+= UInt32(truncatingIfNeeded: skipped * Int64(self.audio.bytesPerPacket))
            due = 1
        }
        if due > 0 {
            for _ in 0..<due { self.sendOne() }
            self.endpoint.channel.flush()
        }
        let next = self.start + .nanoseconds(Self.packetInterval.nanoseconds * self.sent)
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(deadline: next) { self.sendDue() }
    }

    private func sendOne() {
        defer {
            self.sent += 1
            self.header.sequenceNumber &+= 1
            self.header.timestamp &+= UInt32(truncatingIfNeeded: self.audio.bytesPerPacket)
            self.header.marker = false
        }
        guard let target = self.endpoint.target else {
            self.endpoint.counters.droppedNoRemote &+= 1
            return
        }
        guard self.endpoint.channel.isWritable else {
            self.endpoint.counters.droppedCongested &+= 1
            return
        }
        let size = self.audio.bytesPerPacket
        var buffer = self.endpoint.channel.allocator.buffer(capacity: RTPHeader.fixedSize + size)
        let header = self.header
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: RTPHeader.fixedSize) { header.write(into: $0) }
        let end = self.offset + size
        if end <= self.audio.payload.count {
            buffer.writeBytes(self.audio.payload[self.offset..<end])
            self.offset = end == self.audio.payload.count ? 0 : end
        } else {
            let wrapped = end - self.audio.payload.count
            buffer.writeBytes(self.audio.payload[self.offset...])
            buffer.writeBytes(self.audio.payload[0..<wrapped])
            self.offset = wrapped
        }
        let bytes = UInt64(buffer.readableBytes)
        self.endpoint.channel.write(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        self.endpoint.counters.packetsOut &+= 1
        self.endpoint.counters.bytesOut &+= bytes
    }
}
