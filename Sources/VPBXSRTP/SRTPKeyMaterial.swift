import Foundation

/// A master key and master salt (RFC 3711 §8): 16 + 14 bytes, carried in SDP as the base64 of
/// both (RFC 4568 §6.1, the `inline:` key parameter).
public struct SRTPKeyMaterial: Sendable, Equatable {
    public static let keyLength = 16
    public static let saltLength = 14

    public let key: [UInt8]
    public let salt: [UInt8]

    /// Nil unless `key` and `salt` have the suites' lengths.
    public init?(key: [UInt8], salt: [UInt8]) {
        guard key.count == Self.keyLength, salt.count == Self.saltLength else { return nil }
        self.key = key
        self.salt = salt
    }

    /// The key and salt of an `inline:` value (without its lifetime and MKI parts); nil when
    /// it is not base64 of exactly 30 bytes.
    public init?(base64: some StringProtocol) {
        guard let data = Data(base64Encoded: String(base64)), data.count == Self.keyLength + Self.saltLength
        else { return nil }
        let bytes = [UInt8](data)
        self.key = Array(bytes[..<Self.keyLength])
        self.salt = Array(bytes[Self.keyLength...])
    }

    /// Fresh material from the system's secure random source, for the engine's own sending
    /// direction of one call leg (never reused across calls).
    public static func random() -> SRTPKeyMaterial {
        // Four words, not 30 bytes one by one: on Linux each draw is a `getrandom` call.
        var generator = SystemRandomNumberGenerator()
        let words = (0..<4).map { _ in generator.next() as UInt64 }
        let bytes = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        return SRTPKeyMaterial(
            key: Array(bytes[..<keyLength]), salt: Array(bytes[keyLength..<(keyLength + saltLength)]))!
    }

    /// The `inline:` value for SDP: base64 of key then salt.
    public var base64: String { Data(key + salt).base64EncodedString() }
}
