import NIOCore
import VPBXRTP

/// Reads the keys a phone presses out of its RTP stream (RFC 4733 telephone-events): each key
/// once, at the first packet that ends it. A sender repeats the end packet three times (and
/// may repeat the whole event for redundancy), all under the event's one RTP timestamp, which
/// is how the repeats are told from a second press of the same key.
struct RelayKeyReader {
    /// The payload type the phone's SDP gave `telephone-event`.
    let eventPayloadType: UInt8
    private var lastEventTimestamp: UInt32?

    init(eventPayloadType: UInt8) {
        self.eventPayloadType = eventPayloadType
    }

    /// The key `packet` ends, if it is the first end packet of a new event.
    mutating func key(in packet: ByteBuffer) -> DTMFDigit? {
        packet.withUnsafeReadableBytes { bytes in
            guard let header = RTPHeader(bytes: bytes) else { return nil }
            return key(header: header, bytes: bytes)
        }
    }

    /// The key a packet (`bytes`, its parsed `header`) ends, as ``key(in:)``.
    mutating func key(header: RTPHeader, bytes: UnsafeRawBufferPointer) -> DTMFDigit? {
        guard header.payloadType == eventPayloadType, header.payloadLength >= TelephoneEvent.size,
            let event = TelephoneEvent(bytes: UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset...])),
            event.isEnd, header.timestamp != lastEventTimestamp, let digit = event.digit
        else { return nil }
        lastEventTimestamp = header.timestamp
        return digit
    }
}

/// Hears keys in the audio itself (in-band DTMF), for phones and networks that send no RFC
/// 4733 events: the relay has no DTMF detector of its own (it is media-agnostic); the layer
/// above gives it one. Made on the session's loop and used there only.
public protocol RelayAudioKeyListener: AnyObject {
    /// The keys that the audio of a packet (its payload type and payload) completes.
    func keys(payloadType: UInt8, payload: UnsafeRawBufferPointer) -> [Character]
}

/// Tells the keys one side's phone presses while the call is relayed (an answered mobile
/// asked to press 1 before it gets the caller): RFC 4733 events, and with an audio listener
/// keys in the audio too. Lives on the session's loop; the forwarding handler hands it every
/// packet from its side.
final class RelayDigitWatcher {
    private var events: RelayKeyReader?
    private let audio: (any RelayAudioKeyListener)?
    private let onDigit: @Sendable (Character) -> Void

    init(
        eventPayloadType: UInt8?, audio: (any RelayAudioKeyListener)?, onDigit: @escaping @Sendable (Character) -> Void
    ) {
        self.events = eventPayloadType.map { RelayKeyReader(eventPayloadType: $0) }
        self.audio = audio
        self.onDigit = onDigit
    }

    func heard(_ packet: ByteBuffer) {
        let keys: [Character] = packet.withUnsafeReadableBytes { bytes in
            guard let header = RTPHeader(bytes: bytes) else { return [] }
            if let digit = events?.key(header: header, bytes: bytes) { return [digit.rawValue] }
            if header.payloadType == events?.eventPayloadType { return [] }
            guard let audio, header.payloadLength > 0 else { return [] }
            return audio.keys(
                payloadType: header.payloadType,
                payload: UnsafeRawBufferPointer(
                    rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]))
        }
        for key in keys { onDigit(key) }
    }
}
