import Crypto
import VPBXMediaIO

/// How a webhook's receiver knows a POST came from this engine, unchanged and recently:
/// with a secret shared between the two (`--webhook-secret FILE`), every request carries
///
///     X-VPBX-Timestamp: 1796554800
///     X-VPBX-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>
///
/// The receiver computes the same over the raw body and compares in constant time, and
/// refuses a timestamp more than a few minutes from its clock (a replayed request). The
/// scheme is the one GitHub's and Stripe's webhooks use, so receivers have code for it.
/// Before this, a secret could only travel in the URL, which proxies and logs keep.
public enum WebhookSignature {
    public static let timestampHeader = "X-VPBX-Timestamp"
    public static let signatureHeader = "X-VPBX-Signature"
    /// Shorter secrets are guessable offline from one signed request.
    static let minimumSecretBytes = 16

    /// The `X-VPBX-Signature` value for `body` sent at `timestamp` (Unix seconds).
    public static func signature(body: [UInt8], timestamp: Int, secret: [UInt8]) -> String {
        var authenticator = HMAC<SHA256>(key: SymmetricKey(data: secret))
        authenticator.update(data: Array("\(timestamp).".utf8))
        authenticator.update(data: body)
        return "sha256=" + authenticator.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// A secret file's content, without the line end an editor adds.
    /// - Throws: ``EngineConfigurationError`` for a file that cannot be read, others may
    ///   read, or that holds fewer than 16 bytes.
    public static func loadSecret(path: String) throws -> [UInt8] {
        var secret: [UInt8]
        do {
            secret = try SecretFile.contents(of: path, what: "the webhook secret")
        } catch {
            throw EngineConfigurationError("--webhook-secret: \(error)")
        }
        while let last = secret.last, last == 0x0A || last == 0x0D { secret.removeLast() }
        guard secret.count >= minimumSecretBytes else {
            throw EngineConfigurationError(
                "--webhook-secret: the webhook secret \(path) holds \(secret.count) bytes; use at least \(minimumSecretBytes) "
                    + "(make one with: umask 077; head -c 32 /dev/urandom | base64 > \(path))")
        }
        return secret
    }
}
