import Foundation

/// Version 4 UUIDs from the system generator (getrandom), never from a file: Foundation's
/// `UUID()` returns all zeros when it cannot open its entropy source, which is exactly what
/// happens when the engine runs out of file descriptors under load, and duplicate call ids
/// would then collide in the CDR table.
enum RandomUUID {
    static func make() -> UUID {
        // Two 64-bit draws (two getrandom calls), not sixteen one-byte ones.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next().bigEndian
        let low = generator.next().bigEndian
        var uuid = withUnsafeBytes(of: (high, low)) { raw in
            raw.load(as: uuid_t.self)
        }
        uuid.6 = (uuid.6 & 0x0F) | 0x40  // version 4
        uuid.8 = (uuid.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: uuid)
    }
}
