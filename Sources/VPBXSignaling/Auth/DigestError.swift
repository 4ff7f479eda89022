/// Why a `WWW-Authenticate`/`Authorization` header value could not be used.
///
/// A struct wrapping a code so new kinds can be added without breaking callers. A request
/// whose credentials fail to parse is answered 400 (RFC 3261 §22.4 leaves it to the UAS;
/// a malformed header is a malformed request).
public struct DigestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; compare with the static members.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable { case malformed, missingParameter, unsupported }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text does not follow the auth-param grammar.
        public static let malformed = Code(.malformed)
        /// A mandatory parameter is absent.
        public static let missingParameter = Code(.missingParameter)
        /// Valid syntax asking for something we do not implement (`MD5-sess`, `userhash`).
        public static let unsupported = Code(.unsupported)
    }

    public let code: Code
    /// A sentence saying what was wrong and what was expected.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func missing(_ name: String) -> DigestError {
        DigestError(.missingParameter, "missing '\(name)' parameter in Digest header")
    }

    public var description: String { message }
}
