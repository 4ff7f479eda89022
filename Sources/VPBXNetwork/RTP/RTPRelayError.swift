/// An error from the RTP relay or its port pool.
///
/// Match on ``code``; the ``description`` says what went wrong and what to do about it.
/// New codes can be added without breaking callers (the code is a struct, not an enum).
public struct RTPRelayError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidPortRange
            case portsExhausted
            case invalidAddress
            case sessionClosed
            case invalidAudio
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configured port range cannot hold a single RTP/RTCP pair.
        public static let invalidPortRange = Code(.invalidPortRange)
        /// Every port pair of the range is in use (by vpbx or by another process).
        public static let portsExhausted = Code(.portsExhausted)
        /// A host given to the relay is not a numeric IP address.
        public static let invalidAddress = Code(.invalidAddress)
        /// The session was already closed.
        public static let sessionClosed = Code(.sessionClosed)
        /// Audio handed to the relay to play cannot be sent as RTP (see ``RelayAudioLoop``).
        public static let invalidAudio = Code(.invalidAudio)

        public var description: String { "\(self.base)" }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A sentence for logs and operators.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
