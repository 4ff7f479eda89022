import Foundation

/// Version 4 UUIDs from the system generator (getrandom), never from a file: Foundation's
/// `UUID()` returns all zeros when it cannot open its entropy source, which is exactly what
/// happens when the engine runs out of file descriptors under load, and duplicate call ids
/// would then collide in the CDR table.
enum RandomUUID {
    static func make() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
