import Synchronization
import Testing
import VPBXSIP

@testable import VPBXSignaling

/// Tags, branches and Call-IDs: the right shape, never repeated, random in every bit.
@Suite struct SIPIdentifiersTests {
    private static func isLowerHex(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    @Test func shapes() {
        let tag = SIPIdentifiers.tag()
        #expect(tag.count == 16 && Self.isLowerHex(tag))
        let branch = SIPIdentifiers.branch()
        #expect(branch.hasPrefix(Via.branchCookie + "-"))
        let branchRandom = branch.dropFirst(Via.branchCookie.count + 1)
        #expect(branchRandom.count == 24 && Self.isLowerHex(branchRandom))
        let callID = SIPIdentifiers.callID(host: "pbx.example")
        #expect(callID.hasSuffix("@pbx.example") && callID.count == 32 + 12)
        #expect(Self.isLowerHex(callID.prefix(32)))
        // The host is copied byte for byte, whatever its script.
        let unicode = SIPIdentifiers.callID(host: "pbx.példa.hu")
        #expect(unicode.hasSuffix("@pbx.példa.hu") && unicode.utf8.count == 33 + "pbx.példa.hu".utf8.count)
        #expect(Self.isLowerHex(unicode.prefix(32)))
        #expect(SIPIdentifiers.callID(host: "").count == 33)
        #expect(Set((0..<100).map { _ in SIPIdentifiers.branch() }).count == 100)
    }

    @Test func hexIsFixedWidthAndExact() {
        #expect(SIPIdentifiers.hex(0) == "0000000000000000")
        #expect(SIPIdentifiers.hex(0xDEAD_BEEF_0123_4567) == "deadbeef01234567")
        #expect(SIPIdentifiers.hex(0xABCD, digits: 8) == "0000abcd")
        #expect(SIPIdentifiers.hex(.max, digits: 8) == "ffffffff")
    }

    @Test func wordsDrawnFromManyThreadsNeverRepeatAndEveryBitVaries() async {
        let drawn = Mutex<[UInt64]>([])
        await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<2_500).map { _ in RandomWords.shared.next() } }
            }
            for await words in group { drawn.withLock { $0 += words } }
        }
        let words = drawn.withLock { $0 }
        #expect(Set(words).count == words.count)
        for bit in 0..<64 {
            let set = words.filter { $0 >> UInt64(bit) & 1 == 1 }.count
            // 10,000 fair coin flips: far inside these bounds unless a bit is stuck.
            #expect((4_000...6_000).contains(set), "bit \(bit)")
        }
    }

    @Test func aFillLongerThanOneKernelCallIsFilledToTheEnd() {
        // The kernel hands out at most 256 bytes per call: the fill goes on until done.
        var bytes = [UInt8](repeating: 0, count: 70_000)
        bytes.withUnsafeMutableBytes { RandomWords.fill($0) }
        // About 1 in 256 bytes is zero by chance; an unfilled tail would be 0s by the thousand.
        let zeros = bytes.filter { $0 == 0 }.count
        #expect(zeros < 600, "\(zeros) zero bytes")
        #expect(bytes.suffix(64).contains { $0 != 0 })
    }

    @Test func theGeneratorDrawsUniformlyInARange() {
        var generator = RandomWordsGenerator()
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 { counts[Int.random(in: 0..<10, using: &generator)] += 1 }
        // 1,000 expected per value; a stuck or biased generator leaves some far off.
        #expect(counts.allSatisfy { (850...1_150).contains($0) }, "\(counts)")
    }
}
