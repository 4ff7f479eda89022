import Foundation
import VPBXSDP
import VPBXSignaling

/// Call ids: time-ordered version 7 UUIDs (RFC 9562 §5.7) whose random bits come from the
/// same secure words as tags and branches (``RandomWords``), never from a file: Foundation's
/// `UUID()` returns all zeros when it cannot open its entropy source, which is exactly what
/// happens when the engine runs out of file descriptors under load, and duplicate call ids
/// would then collide in the CDR table.
///
/// Why time-ordered: the id is the CDR table's key. Random (version 4) keys put every new row
/// on a random page of the key's index, so each commit of the CDR writer rewrote pages all
/// over the index, and once the table outgrew SQLite's page cache (a call center's months of
/// records) each insert read a page back first. With the time in front, new keys land on the
/// last pages of the index. The text form is unchanged, and ids now sort by when calls began.
enum RandomUUID {
    /// A version 7 id for a call that begins at `time`: 48 bits of Unix milliseconds, then
    /// 74 random bits (version and variant fill the other 6).
    static func make(at time: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, (time.timeIntervalSince1970 * 1000).rounded(.down)))
        let random = RandomWords.shared.next()
        let random2 = RandomWords.shared.next()
        // unix_ts_ms (48) | ver (4) | rand_a (12)
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random & 0x0FFF)
        // var (2) | rand_b (62)
        let low = 0x8000_0000_0000_0000 | (random2 & 0x3FFF_FFFF_FFFF_FFFF)
        let uuid = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { raw in
            raw.load(as: uuid_t.self)
        }
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
