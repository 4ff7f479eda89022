import Foundation

extension UUID {
    /// The canonical lowercase text (`8-4-4-4-12` hex digits), as `uuidString.lowercased()`
    /// gives, written in one pass: Foundation formats each byte through `snprintf` and the
    /// lowercasing makes a second string. The engine writes a few per call (CDR keys, the call
    /// header), and under call load the formatting showed as about 1 % of its time.
    public var lowercaseText: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            withUnsafeBytes(of: uuid) { bytes in
                var out = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[out] = UInt8(ascii: "-")
                        out += 1
                    }
                    buffer[out] = UUIDHexDigits.lowercase[Int(byte >> 4)]
                    buffer[out + 1] = UUIDHexDigits.lowercase[Int(byte & 0x0F)]
                    out += 2
                }
                return out
            }
        }
    }
}

private enum UUIDHexDigits {
    static let lowercase: [UInt8] = Array("0123456789abcdef".utf8)
}
