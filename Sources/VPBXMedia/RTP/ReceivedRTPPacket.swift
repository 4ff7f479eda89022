import VPBXRTP

/// An incoming RTP packet split into its header and a copy of its payload (off the relay's hot
/// path: media applications handle at most 50 packets a second per leg).
public struct ReceivedRTPPacket: Sendable, Equatable {
    /// The parsed header.
    public var header: RTPHeader
    /// The payload, padding excluded.
    public var payload: [UInt8]

    /// Parses a datagram; nil when it is not a valid RTP packet.
    public init?(bytes: [UInt8]) {
        guard let header = bytes.withUnsafeBytes({ RTPHeader(bytes: $0) }) else { return nil }
        self.header = header
        payload = Array(bytes[header.payloadOffset..<header.payloadOffset + header.payloadLength])
    }

    /// The payload as an RFC 4733 event with its timestamp and marker; nil when it is shorter
    /// than an event. (The caller decides by payload type whether the packet is one.)
    public var telephoneEvent: TelephoneEventPacket? {
        guard let event = TelephoneEvent(bytes: payload) else { return nil }
        return TelephoneEventPacket(event: event, timestamp: header.timestamp, marker: header.marker)
    }
}
