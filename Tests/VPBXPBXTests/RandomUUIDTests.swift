import Foundation
import Testing

@testable import VPBXPBX

/// Call ids: version 4 UUIDs from getrandom, distinct.
@Suite("RandomUUID")
struct RandomUUIDTests {
    @Test func idsAreVersion4WithTheRFC4122VariantAndDistinct() {
        let ids = (0..<2_000).map { _ in RandomUUID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let bytes = id.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
            // The text form says the same thing, as other systems read it.
            let text = id.uuidString
            #expect(Array(text)[14] == "4")
            #expect("89AB".contains(Array(text)[19]))
        }
        // Every other bit is random: across 2,000 ids each of them is set sometimes and clear
        // sometimes (a stuck byte, e.g. a copy of one draw, would fail this).
        let fixed: Set<Int> = [48, 49, 50, 51, 64, 65]
        for bit in 0..<128 where !fixed.contains(bit) {
            let set = ids.filter { id in
                withUnsafeBytes(of: id.uuid) { raw in raw[bit / 8] >> (7 - bit % 8) & 1 == 1 }
            }.count
            #expect(set > 0 && set < ids.count, "bit \(bit)")
        }
    }
}
