import Foundation
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Decides whether a REGISTER or INVITE may proceed: trusted source networks pass, everyone else
/// must answer a digest challenge with the extension's credentials (RFC 3261 §22).
struct RequestAuthenticator: Sendable {
    enum Outcome: Sendable, Equatable {
        /// Authenticated as this extension number (or trusted: the number the request claims).
        case accepted(user: String)
        /// Send a 401/407 carrying these challenges.
        case challenge([DigestChallenge])
        /// Credentials were checked and are wrong: 403.
        case forbidden(String)
    }

    private var verifier: DigestVerifier
    let trusted: [CIDR]

    init(realm: String, trusted: [CIDR]) {
        self.verifier = DigestVerifier(realm: realm, issuer: NonceIssuer())
        self.trusted = trusted
    }

    var realm: String { verifier.realm }

    func isTrusted(_ source: SIPPeerAddress) -> Bool {
        trusted.contains { $0.contains(source.host) }
    }

    /// `headerName` is `Authorization` for REGISTER (401) and `Proxy-Authorization` for INVITE
    /// (407). `claimedUser` is the extension the request speaks for (To of a REGISTER, From of
    /// an INVITE); the credentials must be that extension's.
    mutating func check(
        _ request: SIPRequest, headerName: String, claimedUser: String, source: SIPPeerAddress,
        directory: ExtensionDirectory, now: Date = Date()
    ) -> Outcome {
        if isTrusted(source) { return .accepted(user: claimedUser) }
        let ours = request.headers.lines(headerName).compactMap { try? DigestCredentials(parsing: $0) }
            .first { $0.realm == verifier.realm }
        guard let credentials = ours else { return .challenge(verifier.challenges(now: now)) }
        guard credentials.username == claimedUser else {
            return .forbidden("credentials of '\(credentials.username)' used for '\(claimedUser)'")
        }
        let record = directory[credentials.username]
        guard let record, record.enabled else { return .forbidden("unknown or disabled extension '\(credentials.username)'") }
        let verdict = verifier.verify(credentials: credentials, method: request.method.name, storedHA1: { algorithm in
            switch algorithm {
            case .md5: record.ha1MD5
            case .sha256: record.ha1SHA256
            }
        }, now: now)
        switch verdict {
        case .authenticated: return .accepted(user: credentials.username)
        case .stale: return .challenge(verifier.challenges(now: now, stale: true))
        case .wrongCredentials: return .forbidden("wrong password for '\(credentials.username)'")
        case .replay, .invalid: return .challenge(verifier.challenges(now: now))
        }
    }
}
