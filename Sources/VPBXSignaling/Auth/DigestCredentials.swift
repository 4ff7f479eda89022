/// Digest credentials: the value of `Authorization` or `Proxy-Authorization`.
public struct DigestCredentials: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    /// The digest-uri the client hashed (normally the Request-URI).
    public var uri: String
    /// The client's hex response.
    public var response: String
    /// MD5 when the header has no `algorithm` (RFC 2617 §3.2.2).
    public var algorithm: DigestAlgorithm
    public var cnonce: String?
    /// The `nc` value exactly as sent (8 hex digits); it enters the hash verbatim.
    public var nonceCount: String?
    /// nil for RFC 2069 clients that send no qop.
    public var qop: String?
    public var opaque: String?

    public init(
        username: String,
        realm: String,
        nonce: String,
        uri: String,
        response: String,
        algorithm: DigestAlgorithm = .md5,
        cnonce: String? = nil,
        nonceCount: String? = nil,
        qop: String? = nil,
        opaque: String? = nil
    ) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.cnonce = cnonce
        self.nonceCount = nonceCount
        self.qop = qop
        self.opaque = opaque
    }

    /// Parses an `Authorization`/`Proxy-Authorization` value.
    ///
    /// Parameter names are case-insensitive, values may be quoted (with `\` escapes) or bare,
    /// and unknown parameters are ignored. `username`, `realm`, `nonce`, `uri` and `response`
    /// are required; with `qop`, so are `cnonce` and an 8-hex-digit `nc`.
    public init(parsing headerValue: String) throws(DigestError) {
        let parameters = try DigestParameters(parsing: headerValue)
        if let userhash = parameters["userhash"], userhash.lowercased() == "true" {
            throw DigestError(.unsupported, "Digest 'userhash=true' is not supported: send the plain username")
        }
        self.init(
            username: try parameters.required("username"),
            realm: try parameters.required("realm"),
            nonce: try parameters.required("nonce"),
            uri: try parameters.required("uri"),
            response: try parameters.required("response"),
            algorithm: try parameters["algorithm"].map { token throws(DigestError) in
                try DigestAlgorithm(parsing: token)
            } ?? .md5,
            cnonce: parameters["cnonce"],
            nonceCount: parameters["nc"],
            qop: parameters["qop"],
            opaque: parameters["opaque"])
        if qop != nil {
            guard cnonce != nil else { throw DigestError.missing("cnonce") }
            guard let nonceCount else { throw DigestError.missing("nc") }
            guard nonceCountValue != nil else {
                throw DigestError(.malformed, "Digest 'nc' must be 8 hexadecimal digits, got '\(nonceCount)'")
            }
        }
    }

    /// `nc` as a number; nil when absent or not 8 hex digits.
    public var nonceCountValue: UInt32? {
        guard let nonceCount, nonceCount.utf8.count == 8 else { return nil }
        return UInt32(nonceCount, radix: 16)
    }

    /// The header value, in the order RFC 3261 examples use.
    public var headerValue: String {
        var parts = [
            "username=\(username.quotedForHeader)", "realm=\(realm.quotedForHeader)",
            "nonce=\(nonce.quotedForHeader)", "uri=\(uri.quotedForHeader)",
            "response=\(response.quotedForHeader)", "algorithm=\(algorithm.token)",
        ]
        if let cnonce { parts.append("cnonce=\(cnonce.quotedForHeader)") }
        if let opaque { parts.append("opaque=\(opaque.quotedForHeader)") }
        if let qop { parts.append("qop=\(qop)") }
        if let nonceCount { parts.append("nc=\(nonceCount)") }
        return "Digest " + parts.joined(separator: ", ")
    }

    /// Client side: credentials answering `challenge`, e.g. when vpbx registers to a trunk.
    /// Uses qop=auth when offered, else the RFC 2069 form.
    public static func answering(
        _ challenge: DigestChallenge,
        username: String,
        password: String,
        method: String,
        uri: String,
        cnonce: String,
        nonceCount: UInt32 = 1
    ) -> DigestCredentials {
        let ha1 = DigestHash.ha1(
            username: username, realm: challenge.realm, password: password, algorithm: challenge.algorithm)
        var credentials = DigestCredentials(
            username: username, realm: challenge.realm, nonce: challenge.nonce, uri: uri, response: "",
            algorithm: challenge.algorithm, opaque: challenge.opaque)
        if challenge.qop.contains(where: { $0.lowercased() == "auth" }) {
            credentials.qop = "auth"
            credentials.cnonce = cnonce
            credentials.nonceCount = String(nonceCount, radix: 16).leftPadded(to: 8)
        }
        credentials.response = DigestHash.response(ha1: ha1, method: method, credentials: credentials)
        return credentials
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
