import VPBXRTP

/// One RFC 4733 packet to send or that was received: the event payload plus the RTP fields
/// that give it meaning (the timestamp identifies the event, the marker starts it).
public struct TelephoneEventPacket: Sendable, Equatable {
    /// The 4-byte payload: key, end bit, volume, duration so far.
    public var event: TelephoneEvent
    /// RTP timestamp of the event's start; the same in every packet of one event.
    public var timestamp: UInt32
    /// Set on the first packet of an event (RFC 4733).
    public var marker: Bool

    /// A packet from its parts.
    public init(event: TelephoneEvent, timestamp: UInt32, marker: Bool) {
        self.event = event
        self.timestamp = timestamp
        self.marker = marker
    }
}
