import Foundation
import Testing

@testable import VPBXPBX

/// Call ids: version 7 UUIDs (time first, then getrandom words), distinct.
@Suite("RandomUUID")
struct RandomUUIDTests {
    @Test func idsAreVersion7WithTheRFC9562VariantAndDistinct() {
        let time = Date(timeIntervalSince1970: 1_796_000_000.123)
        let ids = (0..<2_000).map { _ in RandomUUID.make(at: time) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let bytes = id.uuid
            #expect(bytes.6 >> 4 == 7)
            #expect(bytes.8 >> 6 == 0b10)
            // The text form says the same thing, as other systems read it.
            let text = id.uuidString
            #expect(Array(text)[14] == "7")
            #expect("89AB".contains(Array(text)[19]))
        }
        // The first 48 bits are the Unix time in milliseconds.
        let milliseconds = withUnsafeBytes(of: ids[0].uuid) { raw in raw.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(milliseconds == 1_796_000_000_123)
        // Every bit after the time, version and variant is random: across 2,000 ids each of
        // them is set sometimes and clear sometimes (a stuck byte, e.g. a copy of one draw,
        // would fail this).
        let fixed = Set(0..<48).union([48, 49, 50, 51, 64, 65])
        for bit in 0..<128 where !fixed.contains(bit) {
            let set = ids.filter { id in
                withUnsafeBytes(of: id.uuid) { raw in raw[bit / 8] >> (7 - bit % 8) & 1 == 1 }
            }.count
            #expect(set > 0 && set < ids.count, "bit \(bit)")
        }
    }

    /// What the CDR table's key index relies on: a later call's id sorts after an earlier
    /// one's, as bytes and as the lowercase text the table stores.
    @Test func idsOfLaterCallsSortAfterEarlierOnes() {
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        // Two milliseconds apart, so no step can round into the one before it.
        let ids = (0..<500).map { step in RandomUUID.make(at: start.addingTimeInterval(Double(step) * 0.002)) }
        let texts = ids.map { $0.uuidString.lowercased() }
        let outOfOrder = zip(texts, texts.dropFirst()).filter { $0 >= $1 }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.prefix(3))")
        // Before 1970 (a clock gone wrong) the time is clamped, not trapped on.
        let early = RandomUUID.make(at: Date(timeIntervalSince1970: -5))
        #expect(early.uuidString.hasPrefix("00000000-0000-7"))
    }
}
