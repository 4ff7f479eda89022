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
        let eventType = eventPayloadType
        let event: (TelephoneEvent, UInt32)? = packet.withUnsafeReadableBytes { bytes in
            guard let header = RTPHeader(bytes: bytes), header.payloadType == eventType,
                header.payloadLength >= TelephoneEvent.size,
                let event = TelephoneEvent(bytes: UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset...]))
            else { return nil }
            return (event, header.timestamp)
        }
        guard let (event, timestamp) = event, event.isEnd, timestamp != lastEventTimestamp, let digit = event.digit
        else { return nil }
        lastEventTimestamp = timestamp
        return digit
    }
}

/// Tells the keys one side's phone presses while the call is relayed (an answered mobile
/// asked to press 1 before it gets the caller). Lives on the session's loop; the forwarding
/// handler hands it every packet from its side.
final class RelayDigitWatcher {
    private var reader: RelayKeyReader
    private let onDigit: @Sendable (Character) -> Void

    init(eventPayloadType: UInt8, onDigit: @escaping @Sendable (Character) -> Void) {
        self.reader = RelayKeyReader(eventPayloadType: eventPayloadType)
        self.onDigit = onDigit
    }

    func heard(_ packet: ByteBuffer) {
        if let digit = reader.key(in: packet) { onDigit(digit.rawValue) }
    }
}
