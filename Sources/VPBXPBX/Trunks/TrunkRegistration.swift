import Foundation

/// The exchange's registration at one trunk's provider (the provider's registrar learns where
/// to send calls for the account): one Call-ID for its life, CSeq counting up (RFC 3261
/// §10.2.4), refreshed before it expires, retried after a failure.
struct TrunkRegistration: Sendable {
    var trunk: Trunk
    let callID: String
    let fromTag: String
    var cseq: UInt32 = 0
    /// Timers and answers of an older round find another generation and do nothing.
    var generation = 0
    var state: TrunkRegistrationState = .registering
    /// The nonce last answered: the same challenge again means the credentials are wrong (a
    /// new nonce, or `stale=true`, is answered again).
    var answeredNonce: String?
    /// Which of the trunk's servers (SRV) the registration is at: the first, until one fails.
    var server = 0
    /// Servers that failed one after the other since the last success: once all have, the
    /// registration waits ``retryDelay``.
    var serversFailed = 0

    init(trunk: Trunk, callID: String, fromTag: String) {
        self.trunk = trunk
        self.callID = callID
        self.fromTag = fromTag
    }

    /// When to refresh a registration the provider granted for `seconds`: well before it
    /// lapses, as phones do (a minute early, or at three quarters of a short one).
    static func refreshDelay(forExpiry seconds: Int) -> Duration {
        seconds >= 240 ? .seconds(seconds - 60) : .milliseconds(max(1, seconds) * 750)
    }

    /// How long a failed registration waits before trying again.
    static let retryDelay: Duration = .seconds(30)
    /// The registration's length the exchange asks for.
    static let requestedExpiry = 600
}

/// Where a trunk's registration stands, for `trunk.list`.
public enum TrunkRegistrationState: Sendable, Equatable {
    case registering
    case registered(until: Date)
    /// Why, as the provider or the transaction said it (`403 Forbidden`, `408 Request
    /// Timeout`), and when the next attempt is due.
    case failed(String, retryAt: Date)
}
