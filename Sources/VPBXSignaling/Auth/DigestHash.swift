/// The Digest computations of RFC 2617 §3.2.2 / RFC 7616 §3.4, for SIP (RFC 3261 §22.4).
public enum DigestHash {
    /// HA1 = H(username ":" realm ":" password), lower-case hex. The store keeps this per
    /// algorithm instead of the password.
    public static func ha1(username: String, realm: String, password: String, algorithm: DigestAlgorithm) -> String {
        algorithm.hexDigest("\(username):\(realm):\(password)")
    }

    /// The qop=auth response: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2) with
    /// HA2 = H(method ":" uri). `nonceCount` is the 8-hex-digit text exactly as sent.
    public static func response(
        ha1: String,
        method: String,
        uri: String,
        nonce: String,
        nonceCount: String,
        cnonce: String,
        qop: String = "auth",
        algorithm: DigestAlgorithm
    ) -> String {
        let ha2 = algorithm.hexDigest("\(method):\(uri)")
        return algorithm.hexDigest("\(ha1):\(nonce):\(nonceCount):\(cnonce):\(qop):\(ha2)")
    }

    /// The RFC 2069 response for clients that send no qop: H(HA1 ":" nonce ":" HA2).
    public static func legacyResponse(
        ha1: String, method: String, uri: String, nonce: String, algorithm: DigestAlgorithm
    ) -> String {
        let ha2 = algorithm.hexDigest("\(method):\(uri)")
        return algorithm.hexDigest("\(ha1):\(nonce):\(ha2)")
    }

    /// The response `credentials` should carry for `method`, choosing the qop or legacy
    /// form from whether they contain a qop.
    public static func response(ha1: String, method: String, credentials: DigestCredentials) -> String {
        if let qop = credentials.qop {
            return response(
                ha1: ha1, method: method, uri: credentials.uri, nonce: credentials.nonce,
                nonceCount: credentials.nonceCount ?? "", cnonce: credentials.cnonce ?? "", qop: qop,
                algorithm: credentials.algorithm)
        }
        return legacyResponse(
            ha1: ha1, method: method, uri: credentials.uri, nonce: credentials.nonce, algorithm: credentials.algorithm)
    }

    /// Compares two hex strings in time independent of where they differ, ignoring case,
    /// so a client cannot learn the expected response byte by byte.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.lowercased().utf8)
        let right = Array(rhs.lowercased().utf8)
        guard left.count == right.count else { return false }  // the length is not secret
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
