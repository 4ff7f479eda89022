import NIOCore
import VPBXRTP

/// How packets received on one side of a session are changed before they go to the other
/// side, when the two phones answered in different G.711 laws: voice packets converted into
/// the other law and given the other side's payload type, RFC 4733 events given the other
/// side's event payload type, everything else (comfort noise, RTCP) passed as it is.
///
/// The conversion is a 256-entry table (every A-law code has one µ-law code and back, through
/// the linear sample), so it costs a lookup a byte. The relay's poller converts in its read
/// buffer; the event loop's forwarding writes the converted packet into a buffer the endpoint
/// keeps. Neither allocates per packet (unless a send on the loop has to queue, when NIO
/// keeps that buffer and the next packet gets a new one).
public struct RelayVoiceTranslation: Sendable, Equatable {
    /// The payload type of voice packets arriving on this side.
    public var voiceIn: UInt8
    /// The payload type they leave with.
    public var voiceOut: UInt8
    /// The law they arrive in; they leave in the other.
    public var law: G711.Law
    /// RFC 4733 events: the payload type arriving, and the one they leave with.
    public var eventsIn: UInt8?
    public var eventsOut: UInt8?

    public init(voiceIn: UInt8, voiceOut: UInt8, law: G711.Law, eventsIn: UInt8?, eventsOut: UInt8?) {
        self.voiceIn = voiceIn
        self.voiceOut = voiceOut
        self.law = law
        self.eventsIn = eventsIn
        self.eventsOut = eventsOut
    }

    /// The packet as the other side's phone expects it, written into `scratch`; nil when it
    /// needs no change (another payload type, or not an RTP packet) and goes as it came.
    func translated(_ packet: ByteBuffer, into scratch: inout ByteBuffer) -> ByteBuffer? {
        guard packet.readableBytes >= RTPHeader.fixedSize, let second = packet.getInteger(at: packet.readerIndex + 1, as: UInt8.self),
            self.changes(payloadType: second & 0x7F)
        else { return nil }
        scratch.clear()
        scratch.writeImmutableBuffer(packet)
        scratch.withUnsafeMutableReadableBytes { self.translate(inPlace: $0) }
        return scratch
    }

    /// Whether packets of `payloadType` are changed at all.
    func changes(payloadType: UInt8) -> Bool {
        payloadType == voiceIn || (payloadType == eventsIn && eventsIn != eventsOut && eventsOut != nil)
    }

    /// Changes the RTP packet in `bytes` as the other side's phone expects it: voice converted
    /// and given the other payload type, events given the other event payload type, anything
    /// else (or what is no RTP packet) left as it is.
    func translate(inPlace bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count >= RTPHeader.fixedSize else { return }
        let payloadType = bytes[1] & 0x7F
        let marker = bytes[1] & 0x80
        if payloadType == voiceIn {
            guard let header = RTPHeader(bytes: UnsafeRawBufferPointer(bytes)) else { return }
            let table = law == .alaw ? Self.alawToULaw : Self.ulawToALaw
            for index in header.payloadOffset..<(header.payloadOffset + header.payloadLength) {
                bytes[index] = table[Int(bytes[index])]
            }
            bytes[1] = marker | voiceOut
        } else if let eventsIn, let eventsOut, payloadType == eventsIn {
            bytes[1] = marker | eventsOut
        }
    }

    /// Every A-law code's µ-law code, and back: built once.
    static let alawToULaw: [UInt8] = (0...255).map { G711.Law.ulaw.encode(G711.Law.alaw.decode(UInt8($0))) }
    static let ulawToALaw: [UInt8] = (0...255).map { G711.Law.alaw.encode(G711.Law.ulaw.decode(UInt8($0))) }
}
