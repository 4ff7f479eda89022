import Crypto
import Foundation

/// Issues and checks stateless Digest nonces.
///
/// A nonce is 64 lower-case hex digits encoding 8 bytes of issue time (seconds since 1970,
/// big-endian), 8 random bytes and the first 16 bytes of HMAC-SHA256(secret, time ‖ random).
/// Any engine holding the secret can validate any nonce without storage, so registrations
/// survive restarts (when the secret is persisted) and work behind a load balancer.
public struct NonceIssuer: Sendable {
    /// Result of checking a nonce.
    public enum Check: Sendable, Equatable {
        /// Issued by us and younger than `lifetime`.
        case valid
        /// Issued by us but expired: re-challenge with `stale=true`.
        case stale
        /// Not produced with our secret: forged, garbled or from another deployment.
        case invalid
    }

    /// How long a nonce stays valid, in seconds.
    public var lifetime: TimeInterval
    /// How far in the future an issue time may lie (clock steps between engines).
    public var allowedClockSkew: TimeInterval = 30
    /// HMAC-SHA256 with the secret already absorbed, copied for each tag: keying hashes two
    /// blocks and allocates the padded keys, which was most of a tag's cost, twice for every
    /// challenged REGISTER or INVITE (issue, then check).
    private let keyed: HMAC<SHA256>

    private static let timeSize = 8, randomSize = 8, tagSize = 16
    private static let byteCount = timeSize + randomSize + tagSize

    /// - Parameters:
    ///   - secret: at least 16 random bytes, shared by every engine of a cluster.
    ///   - lifetime: validity in seconds; 300 matches common SIP servers.
    public init(secret: SymmetricKey, lifetime: TimeInterval = 300) {
        keyed = HMAC<SHA256>(key: secret)
        self.lifetime = lifetime
    }

    /// An issuer with a fresh random secret: nonces die with the process.
    public init(lifetime: TimeInterval = 300) {
        self.init(secret: SymmetricKey(size: .bits256), lifetime: lifetime)
    }

    /// A new nonce issued at `now`.
    public func issue(now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return issue(now: now, using: &generator)
    }

    /// A new nonce issued at `now`, with randomness from `generator` (tests pass a seeded one).
    public func issue(now: Date, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        appendBigEndian(Self.seconds(now), to: &bytes)
        appendBigEndian(generator.next() as UInt64, to: &bytes)
        bytes.append(contentsOf: tag(for: bytes))
        return bytes.lowercaseHex
    }

    /// Whether `nonce` is ours and still fresh at `now`.
    public func check(_ nonce: String, now: Date) -> Check {
        guard let issued = issueTime(of: nonce) else { return .invalid }
        let age = now.timeIntervalSince(issued)
        if age > lifetime || age < -allowedClockSkew { return .stale }
        return .valid
    }

    /// When an authentic nonce was issued; nil when it is not one of ours.
    public func issueTime(of nonce: String) -> Date? {
        guard let bytes = Self.decodeHex(nonce), bytes.count == Self.byteCount else { return nil }
        let signed = bytes.prefix(Self.timeSize + Self.randomSize)
        let expected = tag(for: Array(signed))
        var difference: UInt8 = 0
        for (lhs, rhs) in zip(expected, bytes.suffix(Self.tagSize)) { difference |= lhs ^ rhs }
        guard difference == 0 else { return nil }
        let seconds = bytes.prefix(Self.timeSize).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private func tag(for message: [UInt8]) -> [UInt8] {
        var mac = keyed
        mac.update(data: message)
        return Array(mac.finalize().prefix(Self.tagSize))
    }

    private static func seconds(_ date: Date) -> UInt64 {
        let value = date.timeIntervalSince1970.rounded(.down)
        return value > 0 ? UInt64(value) : 0
    }

    private func appendBigEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func decodeHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Lower case only: we issue lower case, and one spelling per nonce keeps the nonce-count
    /// tracker, which keys by the text, from being sidestepped.
    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
