import Crypto

/// Mailbox PINs: checked for shape, and kept only as a salted, iterated SHA-256 hash in a
/// self-describing text (`sha256-iter$<iterations>$<salt hex>$<hash hex>`), so the scheme
/// can be strengthened later while old hashes still verify.
///
/// A 4–10 digit PIN has at most 10^10 values, so no hash makes a stolen database safe
/// against a determined offline search; the salt stops precomputed tables and equal PINs
/// from showing, and the iterations make each guess cost about a millisecond.
public enum VoicemailPIN {
    static let scheme = "sha256-iter"
    static let iterations = 10_000
    /// PIN lengths accepted.
    public static let lengths = 4...10

    /// nil when `pin` is acceptable, else the sentence that says what to type.
    public static func problem(_ pin: String) -> String? {
        guard lengths.contains(pin.utf8.count), pin.utf8.allSatisfy({ (48...57).contains($0) }) else {
            return "voicemail PIN must be \(lengths.lowerBound) to \(lengths.upperBound) digits (0-9), e.g. 4711"
        }
        return nil
    }

    /// The stored form of `pin`, with a fresh random salt (or `salt`, for tests).
    public static func hash(_ pin: String, salt: [UInt8]? = nil) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let digest = derive(pin, salt: salt, iterations: iterations)
        return "\(scheme)$\(iterations)$\(hex(salt))$\(hex(digest))"
    }

    /// Whether `pin` matches a stored hash; false for a hash in a form this engine does not know.
    public static func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme, let rounds = Int(parts[1]), (1...1_000_000).contains(rounds),
            let salt = bytes(fromHex: parts[2]), let expected = bytes(fromHex: parts[3])
        else { return false }
        let actual = derive(pin, salt: salt, iterations: rounds)
        // Compare every byte, so the time taken does not tell how much of a guess was right.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(_ pin: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let input = salt + Array(pin.utf8)
        var digest = Array(SHA256.hash(data: input))
        for _ in 1..<max(1, iterations) {
            digest = Array(SHA256.hash(data: digest + input))
        }
        return digest
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    private static func bytes(fromHex text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let byte = UInt8(String(decoding: utf8[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }
}
