import Foundation

/// The outcome of checking a request's Digest credentials.
public enum DigestVerdict: Sendable, Equatable {
    /// The client knows the password; let the request through.
    case authenticated
    /// Right password, expired nonce: answer 401/407 with a fresh challenge and `stale=true`.
    case stale
    /// Unknown user or wrong password: answer 401/407 with a fresh challenge (or 403 after
    /// repeated failures).
    case wrongCredentials
    /// The nonce count was already used: a replayed request. Answer 401/407 afresh.
    case replay
    /// The credentials cannot be evaluated (foreign realm or nonce, unsupported qop or
    /// algorithm); the reason is for logs. Answer 401/407 with a fresh challenge.
    case invalid(String)
}

/// Server side of SIP Digest authentication (RFC 3261 §22.4, RFC 7616, RFC 8760).
///
/// A value type owned by whoever serialises authentication (the registrar's actor): it
/// holds the nonce-count tracker, so `verify` is mutating. The clock is passed in.
public struct DigestVerifier: Sendable {
    public let realm: String
    public let issuer: NonceIssuer
    /// Algorithms challenged, in order of preference. Defaults to MD5 only: many deployed
    /// phones take the first challenge and fail on SHA-256 (RFC 8760 §2.4 allows both).
    public let algorithms: [DigestAlgorithm]
    public private(set) var nonceCounts: NonceCountTracker

    public init(
        realm: String,
        issuer: NonceIssuer,
        algorithms: [DigestAlgorithm] = [.md5],
        nonceCounts: NonceCountTracker? = nil
    ) {
        self.realm = realm
        self.issuer = issuer
        self.algorithms = algorithms.isEmpty ? [.md5] : algorithms
        self.nonceCounts = nonceCounts ?? NonceCountTracker(retention: issuer.lifetime)
    }

    /// One challenge per configured algorithm, sharing a fresh nonce; send each as its own
    /// `WWW-Authenticate`/`Proxy-Authenticate` header, in order.
    public func challenges(now: Date, stale: Bool = false) -> [DigestChallenge] {
        let nonce = issuer.issue(now: now)
        return algorithms.map { DigestChallenge(realm: realm, nonce: nonce, algorithm: $0, stale: stale) }
    }

    /// Checks `credentials` for a request with `method`.
    ///
    /// `storedHA1` returns the user's HA1 for an algorithm (nil for an unknown user). The
    /// response is checked before the nonce age, so `.stale` is only returned to a client
    /// that knows the password (RFC 2617 §3.2.1). RFC 2069 clients (no qop) cannot be
    /// protected against replay within the nonce lifetime. Checking that `uri` matches the
    /// Request-URI is left to the caller, which knows how proxies rewrote it.
    public mutating func verify(
        credentials: DigestCredentials,
        method: String,
        storedHA1: (DigestAlgorithm) -> String?,
        now: Date
    ) -> DigestVerdict {
        guard credentials.realm == realm else {
            return .invalid("realm '\(credentials.realm)' does not match '\(realm)'")
        }
        guard algorithms.contains(credentials.algorithm) else {
            return .invalid("algorithm \(credentials.algorithm.token) was not offered")
        }
        let usesQOP: Bool
        switch credentials.qop?.lowercased() {
        case nil: usesQOP = false
        case "auth": usesQOP = true
        case let other?: return .invalid("qop '\(other)' is not supported; expected 'auth'")
        }
        guard let issuedAt = issuer.issueTime(of: credentials.nonce) else {
            return .invalid("nonce was not issued by this server (or the server secret changed)")
        }
        guard let ha1 = storedHA1(credentials.algorithm) else { return .wrongCredentials }
        let expected = DigestHash.response(ha1: ha1, method: method, credentials: credentials)
        guard DigestHash.constantTimeEquals(expected, credentials.response) else { return .wrongCredentials }
        guard issuer.check(credentials.nonce, now: now) == .valid else { return .stale }
        guard usesQOP else { return .authenticated }
        guard let count = credentials.nonceCountValue else {
            return .invalid("'nc' must be 8 hexadecimal digits")
        }
        switch nonceCounts.record(nonce: credentials.nonce, nonceCount: count, issuedAt: issuedAt, now: now) {
        case .accepted: return .authenticated
        case .replay: return .replay
        case .forgotten: return .stale
        }
    }
}
