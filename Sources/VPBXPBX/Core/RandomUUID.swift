import Foundation
import VPBXSDP
import VPBXSignaling

/// Version 4 UUIDs from the same secure random words as tags and branches (``RandomWords``),
/// never from a file: Foundation's `UUID()` returns all zeros when it cannot open its entropy
/// source, which is exactly what happens when the engine runs out of file descriptors under
/// load, and duplicate call ids would then collide in the CDR table.
enum RandomUUID {
    static func make() -> UUID {
        let high = RandomWords.shared.next().bigEndian
        let low = RandomWords.shared.next().bigEndian
        var uuid = withUnsafeBytes(of: (high, low)) { raw in
            raw.load(as: uuid_t.self)
        }
        uuid.6 = (uuid.6 & 0x0F) | 0x40  // version 4
        uuid.8 = (uuid.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: uuid)
    }
}

extension OriginTracker {
    /// A leg's SDP session id (RFC 4566: a numeric string, unique per session), from the same
    /// words: `UInt64.random(in:)` would cost a system call each.
    static func newSessionID() -> UInt64 {
        var generator = RandomWordsGenerator()
        return UInt64.random(in: 1...UInt64(Int64.max), using: &generator)
    }
}
