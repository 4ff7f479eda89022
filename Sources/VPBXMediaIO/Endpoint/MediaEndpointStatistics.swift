/// Counters of one media endpoint, for diagnostics and tests.
public struct MediaEndpointStatistics: Sendable, Equatable {
    /// RTP packets sent (audio and telephone-event).
    public var packetsSent = 0
    /// RTP packets accepted from the peer (audio and telephone-event).
    public var packetsReceived = 0
    /// Keys delivered from any source (RFC 4733, SIP INFO, in band).
    public var keysReceived = 0
    /// Datagrams that were not valid RTP/RTCP, or an event payload too short.
    public var malformed = 0
    /// RTP packets with a payload type that was not negotiated.
    public var unexpectedPayloadType = 0
    /// RTP packets from an address other than the latched peer.
    public var foreignSource = 0
    /// Frames not sent because the event loop stalled longer than the catch-up limit.
    public var framesSkipped = 0
    /// RTCP sender reports sent.
    public var rtcpSent = 0
    /// RTCP packets received.
    public var rtcpReceived = 0

    public init() {}
}
