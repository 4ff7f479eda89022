import VPBXRTP

/// The sending side of one RTP stream (RFC 3550, RFC 3551 G.711 at 20 ms): numbers packets,
/// keeps the media clock, sets the marker bit, and counts what it sent for RTCP.
///
/// The media clock is the RTP timestamp: +160 per 20 ms frame. Silence that is not sent
/// (`skipSilence`) still advances it, so the receiver can tell how long the gap was; the first
/// packet after a gap, and the very first packet, carry the marker bit (start of a talkspurt).
public struct RTPSender: Sendable {
    /// The audio codec (its static payload type is used).
    public let law: G711.Law
    /// The synchronisation source identifier of this stream.
    public let ssrc: UInt32
    /// Payload type of telephone-event as negotiated in SDP (commonly 101).
    public let eventPayloadType: UInt8
    /// Sequence number of the next packet.
    public private(set) var sequenceNumber: UInt16
    /// RTP timestamp of the next audio frame.
    public private(set) var timestamp: UInt32
    /// Packets and payload octets sent so far (RTCP SR counters).
    public private(set) var packetCount: UInt32 = 0
    public private(set) var octetCount: UInt32 = 0
    private var startsTalkspurt = true

    /// A stream with explicit starting values (tests, or values chosen elsewhere).
    public init(law: G711.Law, ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, eventPayloadType: UInt8 = 101) {
        self.law = law
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.eventPayloadType = eventPayloadType
    }

    /// A stream with a random SSRC, sequence number and timestamp, as RFC 3550 §5.1 requires
    /// (so known-plaintext attacks and collisions with a previous stream are unlikely).
    public init<R: RandomNumberGenerator>(law: G711.Law, eventPayloadType: UInt8 = 101, using generator: inout R) {
        self.init(
            law: law, ssrc: UInt32.random(in: 0...UInt32.max, using: &generator),
            sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &generator),
            timestamp: UInt32.random(in: 0...UInt32.max, using: &generator), eventPayloadType: eventPayloadType)
    }

    /// The packet for one frame of 8 kHz samples (normally 160), encoded with `law`.
    public mutating func audioPacket(_ samples: [Int16]) -> [UInt8] {
        let header = RTPHeader(
            marker: startsTalkspurt, payloadType: law.payloadType, sequenceNumber: sequenceNumber,
            timestamp: timestamp, ssrc: ssrc)
        startsTalkspurt = false
        timestamp &+= UInt32(truncatingIfNeeded: samples.count)
        return finish(header, payload: G711.encode(law, samples))
    }

    /// Advances the media clock over `samples` of silence that are not sent; the next audio
    /// packet starts a new talkspurt.
    public mutating func skipSilence(samples: Int = AudioFormat.frameSamples) {
        timestamp &+= UInt32(truncatingIfNeeded: samples)
        startsTalkspurt = true
    }

    /// The packet for one RFC 4733 event update. Its timestamp is the event's start; the audio
    /// clock keeps running (the owner sends no audio frames during the event, but calls
    /// `skipSilence` for each frame time so the clock stays right).
    public mutating func eventPacket(_ packet: TelephoneEventPacket) -> [UInt8] {
        let header = RTPHeader(
            marker: packet.marker, payloadType: eventPayloadType, sequenceNumber: sequenceNumber,
            timestamp: packet.timestamp, ssrc: ssrc)
        return finish(header, payload: packet.event.bytes)
    }

    /// The RTCP sender report for this stream at wall-clock `now` (injected), whose RTP
    /// timestamp is `rtpTimestamp` (the media clock at that instant).
    public func senderReport(now: NTPTimestamp, rtpTimestamp: UInt32) -> RTCPSenderReport {
        RTCPSenderReport(
            ssrc: ssrc, ntpTimestamp: now, rtpTimestamp: rtpTimestamp, packetCount: packetCount,
            octetCount: octetCount)
    }

    private mutating func finish(_ header: RTPHeader, payload: [UInt8]) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: header.payloadOffset + payload.count)
        let offset = packet.withUnsafeMutableBytes { header.write(into: $0) }
        packet.replaceSubrange(offset..<offset + payload.count, with: payload)
        sequenceNumber &+= 1
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payload.count)
        return packet
    }
}
