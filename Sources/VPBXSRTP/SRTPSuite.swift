/// The SDES crypto suites (RFC 4568 §6.2) the engine terminates: AES in counter mode with a
/// 128-bit key, HMAC-SHA1 authentication (RFC 3711 §4), the two tag lengths desk phones and
/// softphones offer. SRTCP always carries the 80-bit tag (RFC 3711 §5.2, RFC 4568 §6.2.2).
public enum SRTPSuite: String, Sendable, CaseIterable {
    case aesCM128HmacSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    case aesCM128HmacSHA1_32 = "AES_CM_128_HMAC_SHA1_32"

    /// The suite as SDP names it, case-insensitively (RFC 4568 §9.1: upper case is usual).
    public init?(sdpName: some StringProtocol) {
        guard let suite = Self.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(sdpName) == .orderedSame })
        else { return nil }
        self = suite
    }

    /// Bytes of authentication tag after each SRTP packet.
    var rtpTagLength: Int {
        switch self {
        case .aesCM128HmacSHA1_80: 10
        case .aesCM128HmacSHA1_32: 4
        }
    }

    /// Bytes of authentication tag after each SRTCP packet: 80 bits for both suites.
    var rtcpTagLength: Int { 10 }
}
