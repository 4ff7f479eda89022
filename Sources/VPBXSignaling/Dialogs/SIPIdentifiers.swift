import VPBXSIP

/// Fresh tags, branches and Call-IDs. Random enough to be globally unique (RFC 3261 §19.3 asks
/// for at least 32 bits of randomness for tags; we use 64 or more), from the kernel's generator.
public enum SIPIdentifiers {
    public static func tag() -> String { hex(RandomWords.shared.next()) }

    /// Written into one buffer: concatenating the cookie and the hex parts cost three
    /// allocations per branch, and a call makes three branches (heaptrack, stop 30).
    public static func branch() -> String {
        let words = RandomWords.shared
        let high = words.next()
        let low = words.next() >> 32
        return String(unsafeUninitializedCapacity: branchPrefix.count + 24) { buffer in
            var end = 0
            for byte in branchPrefix {
                buffer[end] = byte
                end += 1
            }
            end = writeHex(high, digits: 16, into: buffer, at: end)
            return writeHex(low, digits: 8, into: buffer, at: end)
        }
    }

    /// 32 hex digits, `@`, the host; one allocation, as ``branch()``.
    public static func callID(host: String) -> String {
        let words = RandomWords.shared
        let high = words.next()
        let low = words.next()
        return String(unsafeUninitializedCapacity: 33 + host.utf8.count) { buffer in
            var end = writeHex(high, digits: 16, into: buffer, at: 0)
            end = writeHex(low, digits: 16, into: buffer, at: end)
            buffer[end] = UInt8(ascii: "@")
            end += 1
            for byte in host.utf8 {
                buffer[end] = byte
                end += 1
            }
            return end
        }
    }

    private static let branchPrefix = Array((Via.branchCookie + "-").utf8)

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Fixed width, lowercase: `digits` nibbles from the low end of `value`.
    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        String(unsafeUninitializedCapacity: digits) { writeHex(value, digits: digits, into: $0, at: 0) }
    }

    /// Writes `digits` nibbles of `value` at `start`; returns the index after them.
    private static func writeHex(
        _ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) -> Int {
        for index in 0..<digits {
            let shift = UInt64((digits - 1 - index) * 4)
            buffer[start + index] = hexDigits[Int(truncatingIfNeeded: (value >> shift) & 0xF)]
        }
        return start + digits
    }
}
