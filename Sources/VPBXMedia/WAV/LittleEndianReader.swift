/// A bounds-checked cursor over little-endian bytes: every read returns nil instead of trapping
/// when the input ends, so malformed files become errors, never crashes.
struct LittleEndianReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { max(0, bytes.count - offset) }

    mutating func uint16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func uint32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// Four bytes as an ASCII chunk identifier (non-ASCII bytes become '?').
    mutating func fourCC() -> String? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        let scalars = bytes[offset..<offset + 4].map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }
        return String(scalars)
    }

    /// Moves forward; returns false (not moving) when fewer than `count` bytes remain.
    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }
}
