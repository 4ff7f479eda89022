import Crypto

/// The hash behind a Digest exchange (RFC 7616 §3.2, RFC 8760 for SIP).
///
/// The `-sess` variants are not supported: SIP phones rarely offer them and they need the
/// server to keep per-nonce state.
public enum DigestAlgorithm: String, Sendable, Equatable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"

    /// Parses the `algorithm` parameter, ignoring case.
    public init(parsing token: String) throws(DigestError) {
        switch token.uppercased() {
        case "MD5": self = .md5
        case "SHA-256": self = .sha256
        case "MD5-SESS", "SHA-256-SESS", "SHA-512-256", "SHA-512-256-SESS":
            throw DigestError(.unsupported, "Digest algorithm '\(token)' is not supported: expected MD5 or SHA-256")
        default:
            throw DigestError(.malformed, "unknown Digest algorithm '\(token)': expected MD5 or SHA-256")
        }
    }

    /// The token as written in headers.
    public var token: String { rawValue }

    /// Lower-case hex digest of the UTF-8 bytes of `text`.
    public func hexDigest(_ text: String) -> String {
        let bytes = Array(text.utf8)
        switch self {
        case .md5: return Insecure.MD5.hash(data: bytes).lowercaseHex
        case .sha256: return SHA256.hash(data: bytes).lowercaseHex
        }
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal text, two digits per byte.
    var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
