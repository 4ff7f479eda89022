import NIOCore
import VPBXSIP

/// A message that arrived on a SIP transport, already parsed and, for requests, with the top Via
/// stamped with `received`/`rport` (RFC 3261 §18.2.1, RFC 3581 §4).
public struct InboundSIPMessage: Sendable {
    /// The parsed message.
    public var message: SIPMessage
    /// The peer: packet source address and port, and for TCP the connection.
    public let source: SIPEndpoint
    /// Our address the message arrived at (the listening socket's, or the TCP connection's).
    public let localAddress: SocketAddress?
    /// When the read that carried the message completed (monotonic).
    public let receivedAt: NIODeadline

    /// The socket or connection it came on: responses go back through it.
    let channel: any Channel
    /// Lets a response written during the same read batch share that batch's flush.
    let batch: SIPReadBatch

    init(
        message: SIPMessage, source: SIPEndpoint, localAddress: SocketAddress?, receivedAt: NIODeadline,
        channel: any Channel, batch: SIPReadBatch
    ) {
        self.message = message
        self.source = source
        self.localAddress = localAddress
        self.receivedAt = receivedAt
        self.channel = channel
        self.batch = batch
    }

    /// The request, if this is one.
    public var request: SIPRequest? {
        if case .request(let request) = message { return request }
        return nil
    }

    /// The response, if this is one.
    public var response: SIPResponse? {
        if case .response(let response) = message { return response }
        return nil
    }
}
