/// Why a ``SIPTransport`` could not do what was asked. A struct over a private enum, so new
/// cases do not break callers that switch on nothing but the message.
public struct SIPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Equatable, Sendable {
        case alreadyStarted
        case noEventLoops
        case tooManyConnections(Int)
        case badTLSFile(String, String)
        case tlsNotConfigured
    }

    private let reason: Reason

    public static let alreadyStarted = SIPTransportError(reason: .alreadyStarted)
    public static let noEventLoops = SIPTransportError(reason: .noEventLoops)
    static func tooManyConnections(_ limit: Int) -> SIPTransportError { SIPTransportError(reason: .tooManyConnections(limit)) }
    public static let tlsNotConfigured = SIPTransportError(reason: .tlsNotConfigured)
    static func badTLSFile(_ path: String, _ problem: String) -> SIPTransportError {
        SIPTransportError(reason: .badTLSFile(path, problem))
    }

    public var description: String {
        switch reason {
        case .alreadyStarted: "the SIP transport was already started (create a new one to listen again)"
        case .noEventLoops: "the event loop group has no event loops to run the SIP transport on"
        case .tooManyConnections(let limit): "\(limit) SIP connections are open, the most allowed; the new one was closed"
        case .badTLSFile(let path, let problem): "cannot use \(path) for SIP over TLS: \(problem)"
        case .tlsNotConfigured: "SIP over TLS is not configured (or the transport is not running)"
        }
    }
}
