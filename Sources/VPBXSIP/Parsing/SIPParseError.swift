/// Why a SIP message could not be accepted. The message is meant for a human reading a log or
/// the reason phrase of a `400`: it names the part that was wrong and what was expected.
public struct SIPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not recognisable as SIP at all: drop it and count it.
        case unparseable
        /// A request we could parse far enough to answer with `400 Bad Request`.
        case badRequest
        /// Larger than the configured limits (bytes or header count).
        case tooLarge
    }

    public let kind: Kind
    public let message: String
    /// For `.badRequest` found after the headers were read: the request as far as it parsed, so
    /// the transport can copy Via, From, To, Call-ID and CSeq into its `400`.
    public let partialRequest: SIPRequest?

    public init(_ kind: Kind, _ message: String, partialRequest: SIPRequest? = nil) {
        self.kind = kind
        self.message = message
        self.partialRequest = partialRequest
    }

    public var description: String { message }

    public static func unparseable(_ message: String) -> SIPParseError { .init(.unparseable, message) }
    public static func bad(_ message: String) -> SIPParseError { .init(.badRequest, message) }
}
