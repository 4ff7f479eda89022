import NIOCore
import VPBXSIP

/// What the transport does with one datagram or TCP frame.
enum SIPIngressOutcome {
    /// A valid message for the callback (requests already stamped with received/rport).
    case deliver(SIPMessage)
    /// Only CRLF: an RFC 5626 keep-alive.
    case keepAlive
    /// A bad request the transport answers itself (400, or 513 when too large).
    case answer(SIPResponse, SIPParseError)
    /// Nothing to answer: count it; a `.tooLarge` one closes a TCP connection.
    case drop(SIPParseError)
}

/// The protocol decisions of ingress, kept apart from the sockets so they test without any.
struct SIPIngress: Sendable {
    let parser: SIPParser

    init(limits: SIPParserLimits) {
        self.parser = SIPParser(limits: limits)
    }

    func process(_ bytes: [UInt8], from source: SocketAddress) -> SIPIngressOutcome {
        if bytes.allSatisfy({ $0 == 13 || $0 == 10 }) { return .keepAlive }
        do throws(SIPParseError) {
            switch try parser.parse(bytes) {
            case .request(var request):
                request.stampReceived(from: source)
                return .deliver(.request(request))
            case .response(let response):
                return .deliver(.response(response))
            }
        } catch {
            if var partial = error.partialRequest {
                partial.stampReceived(from: source)
                let stamped = SIPParseError(error.kind, error.message, partialRequest: partial)
                if let response = SIPParseErrorResponder.response(for: stamped) { return .answer(response, error) }
            }
            return .drop(error)
        }
    }
}
