/// One `a=crypto` line (SDES, RFC 4568 §9.1): `<tag> <crypto-suite> <key-params>
/// [<session-params>]`, the key parameters `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]`
/// separated by `;`.
public struct SDESCrypto: Sendable, Equatable {
    /// Matches an answer's line to the offer's (RFC 4568 §5.1.2): a number of up to 9 digits.
    public var tag: Int
    public var suite: String
    /// Each key parameter as written, `inline:` included.
    public var keyParameters: [String]
    /// Session parameters (`UNENCRYPTED_SRTP`, `KDR=`, `WSH=`, ...), as written.
    public var sessionParameters: [String]

    public init(tag: Int, suite: String, inlineKey: String) {
        self.tag = tag
        self.suite = suite
        self.keyParameters = ["inline:" + inlineKey]
        self.sessionParameters = []
    }

    /// Nil when the value does not have a tag, a suite and key parameters.
    public init?(attributeValue: String) {
        let parts = attributeValue.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0].count <= 9, let tag = Int(parts[0]), tag >= 0 else { return nil }
        self.tag = tag
        self.suite = String(parts[1])
        self.keyParameters = parts[2].split(separator: ";").map(String.init)
        self.sessionParameters = parts.dropFirst(3).map(String.init)
        guard !keyParameters.isEmpty else { return nil }
    }

    public var attributeValue: String {
        ([String(tag), suite, keyParameters.joined(separator: ";")] + sessionParameters).joined(separator: " ")
    }

    /// The base64 key and salt when the line has exactly one `inline:` key, without an MKI
    /// (which would put an index into every packet), and no session parameters (each of which
    /// changes how packets are protected); nil otherwise. A lifetime is accepted: a call
    /// ends long before 2^31 packets.
    public var simpleInlineKey: Substring? {
        guard keyParameters.count == 1, sessionParameters.isEmpty else { return nil }
        let parameter = keyParameters[0]
        guard parameter.lowercased().hasPrefix("inline:") else { return nil }
        let fields = parameter.dropFirst("inline:".count).split(separator: "|", omittingEmptySubsequences: false)
        guard let key = fields.first, !key.isEmpty, fields.count <= 2 else { return nil }
        if fields.count == 2, fields[1].contains(":") { return nil }
        return key
    }
}

extension MediaDescription {
    /// The stream's `a=crypto` lines that parse, in the offerer's order of preference.
    public var sdesCryptos: [SDESCrypto] {
        attributes.compactMap { attribute in
            guard attribute.name.caseInsensitiveEquals("crypto"), let value = attribute.value else { return nil }
            return SDESCrypto(attributeValue: value)
        }
    }

    /// Whether keys for this stream are negotiated by DTLS (RFC 5763: a fingerprint, a
    /// `UDP/TLS/...` profile) rather than carried in SDP.
    public var usesDTLS: Bool {
        proto.uppercased().hasPrefix("UDP/TLS") || hasAttribute("fingerprint")
    }
}

extension SessionDescription {
    /// This description with its first audio stream plain: the secure profile's plain twin
    /// (`RTP/SAVP` -> `RTP/AVP`, `RTP/SAVPF` -> `RTP/AVPF`) and no `a=crypto` lines. What the
    /// far side of a call whose SRTP the engine terminates is offered or answered.
    public func withoutSDES() -> SessionDescription {
        guard let index = firstAudioIndex else { return self }
        var result = self
        result.media[index].proto = Self.plainProfile(of: media[index].proto)
        result.media[index].attributes.removeAll { $0.name.caseInsensitiveEquals("crypto") }
        return result
    }

    /// This (plain) description for a phone whose SRTP the engine terminates: its first
    /// audio stream under `profile` (the one the phone used) with `crypto` as its only key
    /// line, the engine's key for what it sends that phone.
    public func securedWithSDES(profile: String, crypto: SDESCrypto) -> SessionDescription {
        guard let index = firstAudioIndex else { return self }
        var result = self
        result.media[index].proto = profile
        result.media[index].attributes.removeAll { $0.name.caseInsensitiveEquals("crypto") }
        result.media[index].attributes.append(Attribute("crypto", crypto.attributeValue))
        return result
    }

    static func plainProfile(of profile: String) -> String {
        switch profile.uppercased() {
        case "RTP/SAVP": "RTP/AVP"
        case "RTP/SAVPF": "RTP/AVPF"
        default: profile
        }
    }
}
