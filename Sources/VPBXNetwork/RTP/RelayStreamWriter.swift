import NIOCore
import VPBXRTP

/// An RTP stream the relay originates out of one of its sockets: its own SSRC, sequence numbers
/// and timestamps (random starts, RFC 3550 §5.1), the marker bit on the first packet.
///
/// Confined to the socket's event loop, like the ``RelayEndpoint`` it writes through.
struct RelayStreamWriter {
    private var header: RTPHeader
    /// RTP clock ticks per frame (samples per frame at 8 kHz).
    let samplesPerFrame: Int

    init(payloadType: UInt8, samplesPerFrame: Int = 160) {
        var random = SystemRandomNumberGenerator()
        self.header = RTPHeader(
            marker: true, payloadType: payloadType, sequenceNumber: random.next(), timestamp: random.next(),
            ssrc: random.next())
        self.samplesPerFrame = samplesPerFrame
    }

    init(payloadType: UInt8, samplesPerFrame: Int, ssrc: UInt32, firstSequence: UInt16, firstTimestamp: UInt32) {
        self.header = RTPHeader(
            marker: true, payloadType: payloadType, sequenceNumber: firstSequence, timestamp: firstTimestamp, ssrc: ssrc)
        self.samplesPerFrame = samplesPerFrame
    }

    /// Writes one frame to `endpoint`'s phone (not flushed) with `payloadSize` bytes that
    /// `fill` appends. A frame that cannot be sent (no address yet, congested socket) is
    /// counted as dropped, and the stream's clock still advances past it.
    mutating func send(through endpoint: RelayEndpoint, payloadSize: Int, fill: (inout ByteBuffer) -> Void) {
        defer { self.advance() }
        guard let target = endpoint.target else {
            endpoint.counters.droppedNoRemote &+= 1
            return
        }
        guard endpoint.channel.isWritable else {
            endpoint.counters.droppedCongested &+= 1
            return
        }
        var buffer = endpoint.channel.allocator.buffer(capacity: RTPHeader.fixedSize + payloadSize)
        let header = self.header
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: RTPHeader.fixedSize) { header.write(into: $0) }
        fill(&buffer)
        if let srtp = endpoint.srtp {
            guard let protected = srtp.protect(buffer, control: false) else {
                endpoint.counters.droppedUnprotectable &+= 1
                return
            }
            buffer = protected
        }
        let bytes = UInt64(buffer.readableBytes)
        endpoint.channel.write(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        endpoint.counters.packetsOut &+= 1
        endpoint.counters.bytesOut &+= bytes
    }

    /// A frame dropped here still uses its sequence number: the receiver sees a lost packet,
    /// which is what it was.
    private mutating func advance() {
        self.header.sequenceNumber &+= 1
        self.header.timestamp &+= UInt32(truncatingIfNeeded: self.samplesPerFrame)
        self.header.marker = false
    }

    /// After a stall the RTP clock jumps ahead by `frames` frames that were never built.
    mutating func skipTime(frames: Int64) {
        self.header.timestamp &+= UInt32(truncatingIfNeeded: frames * Int64(self.samplesPerFrame))
    }
}
