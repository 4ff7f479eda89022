/// A Digest challenge: the value of `WWW-Authenticate` (401) or `Proxy-Authenticate` (407).
public struct DigestChallenge: Sendable, Equatable {
    public var realm: String
    public var nonce: String
    /// Echoed unchanged by the client; vpbx's stateless nonces do not need it.
    public var opaque: String?
    public var algorithm: DigestAlgorithm
    /// Offered qop values; `["auth"]` normally, empty for an RFC 2069 style challenge.
    public var qop: [String]
    /// True when re-challenging because the client's nonce expired (its password was right).
    public var stale: Bool

    public init(
        realm: String,
        nonce: String,
        opaque: String? = nil,
        algorithm: DigestAlgorithm = .md5,
        qop: [String] = ["auth"],
        stale: Bool = false
    ) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qop = qop
        self.stale = stale
    }

    /// Parses a challenge received from a trunk or upstream proxy. `algorithm` defaults to
    /// MD5 when absent (RFC 2617 §3.2.1).
    public init(parsing headerValue: String) throws(DigestError) {
        let parameters = try DigestParameters(parsing: headerValue)
        self.init(
            realm: try parameters.required("realm"),
            nonce: try parameters.required("nonce"),
            opaque: parameters["opaque"],
            algorithm: try parameters["algorithm"].map { token throws(DigestError) in
                try DigestAlgorithm(parsing: token)
            } ?? .md5,
            qop: parameters["qop"].map(Self.splitList) ?? [],
            stale: parameters["stale"]?.lowercased() == "true")
    }

    /// `Digest realm="…", nonce="…", opaque="…", algorithm=MD5, qop="auth", stale=true`.
    public var headerValue: String {
        var parts = ["realm=\(realm.quotedForHeader)", "nonce=\(nonce.quotedForHeader)"]
        if let opaque { parts.append("opaque=\(opaque.quotedForHeader)") }
        parts.append("algorithm=\(algorithm.token)")
        if !qop.isEmpty { parts.append("qop=\(qop.joined(separator: ",").quotedForHeader)") }
        if stale { parts.append("stale=true") }
        return "Digest " + parts.joined(separator: ", ")
    }

    private static func splitList(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.filter { $0 != " " && $0 != "\t" }) }.filter { !$0.isEmpty }
    }
}
