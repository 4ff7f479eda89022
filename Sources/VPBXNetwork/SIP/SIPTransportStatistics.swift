import NIOConcurrencyHelpers

/// Counters of a ``SIPTransport`` since it started, over UDP and TCP together.
public struct SIPTransportStatistics: Sendable, Equatable {
    /// Datagrams and TCP frames received (keep-alives excluded).
    public var messagesReceived: UInt64 = 0
    /// Of those, parsed and handed to the callback.
    public var messagesParsed: UInt64 = 0
    /// Not recognisable as SIP (or a bad request we could not answer): dropped.
    public var droppedUnparseable: UInt64 = 0
    /// Bad requests the transport answered with `400` itself.
    public var badRequestsAnswered: UInt64 = 0
    /// Messages over the size limits (dropped, answered 513, or their connection closed).
    public var tooLarge: UInt64 = 0
    /// CRLF keep-alives received (UDP single CRLF, TCP double-CRLF pings).
    public var keepAlives: UInt64 = 0
    /// Writes or connects that failed, and sends attempted while the transport was stopped.
    public var sendFailures: UInt64 = 0
    /// TCP connections accepted or opened.
    public var connectionsOpened: UInt64 = 0
    /// Incoming TCP connections closed at once because ``SIPTransportConfiguration/maximumTCPConnections``
    /// were open.
    public var connectionsRefused: UInt64 = 0

    public init() {}
}

/// The live counters, shared by every handler. One lock round trip per event, and the event
/// loops rarely contend on it, which costs far less than parsing the message did.
final class SIPTransportCounters: Sendable {
    private let box = NIOLockedValueBox(SIPTransportStatistics())

    var snapshot: SIPTransportStatistics { box.withLockedValue { $0 } }

    func update(_ change: (inout SIPTransportStatistics) -> Void) {
        box.withLockedValue { change(&$0) }
    }
}
