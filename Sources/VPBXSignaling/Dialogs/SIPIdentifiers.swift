import VPBXSIP

/// Fresh tags, branches and Call-IDs. Random enough to be globally unique (RFC 3261 §19.3 asks
/// for at least 32 bits of randomness for tags; we use 64 or more), from the kernel's generator.
public enum SIPIdentifiers {
    public static func tag() -> String { hex(RandomWords.shared.next()) }

    public static func branch() -> String {
        let words = RandomWords.shared
        return Via.branchCookie + "-" + hex(words.next()) + hex(words.next() >> 32, digits: 8)
    }

    public static func callID(host: String) -> String {
        let words = RandomWords.shared
        return hex(words.next()) + hex(words.next()) + "@" + host
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Fixed width, lowercase: `digits` nibbles from the low end of `value`.
    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        String(unsafeUninitializedCapacity: digits) { buffer in
            for index in 0..<digits {
                let shift = UInt64((digits - 1 - index) * 4)
                buffer[index] = hexDigits[Int(truncatingIfNeeded: (value >> shift) & 0xF)]
            }
            return digits
        }
    }
}
