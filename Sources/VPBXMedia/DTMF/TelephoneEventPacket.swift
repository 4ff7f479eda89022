import VPBXRTP

/// One RFC 4733 packet to send or that was received: the event payload plus the RTP fields
/// that give it meaning (the timestamp identifies the event, the marker starts it).
public struct TelephoneEventPacket: Sendable, Equatable {
    public var event: TelephoneEvent
    /// RTP timestamp of the event's start; the same in every packet of one event.
    public var timestamp: UInt32
    public var marker: Bool

    public init(event: TelephoneEvent, timestamp: UInt32, marker: Bool) {
        self.event = event
        self.timestamp = timestamp
        self.marker = marker
    }
}
