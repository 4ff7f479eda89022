/// Why an SDP body could not be parsed or negotiated.
///
/// A struct wrapping a code (not a public enum) so new failure kinds can be added without
/// breaking callers that switch on them. `description` is a complete sentence for logs and
/// for the reason phrase of a 400/488.
public struct SDPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedLine = "malformed line"
            case missingField = "missing field"
            case invalidValue = "invalid value"
            case noCommonCodec = "no common codec"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A line is not of the form `<type>=<value>`.
        public static let malformedLine = Code(.malformedLine)
        /// A mandatory line (`v=`, `o=`) is absent.
        public static let missingField = Code(.missingField)
        /// A known line has the wrong number of fields or a non-numeric number.
        public static let invalidValue = Code(.invalidValue)
        /// Offer/answer found nothing both sides can send: the caller answers 488.
        public static let noCommonCodec = Code(.noCommonCodec)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// 1-based line number in the parsed text, when the error is about one line.
    public let lineNumber: Int?
    /// A sentence saying what was wrong and what was expected.
    public let message: String

    init(_ code: Code, line lineNumber: Int? = nil, _ message: String) {
        self.code = code
        self.lineNumber = lineNumber
        self.message = message
    }

    /// The SIP status code a UAS answers with when this error comes from a peer's body.
    public var sipStatusCode: Int { code == .noCommonCodec ? 488 : 400 }

    public var description: String {
        if let lineNumber { return "SDP line \(lineNumber): \(message)" }
        return "SDP: \(message)"
    }
}
