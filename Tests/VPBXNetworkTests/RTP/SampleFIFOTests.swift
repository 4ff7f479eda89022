import Testing
import VPBXRTP

@testable import VPBXNetwork

/// `SampleFIFO`'s bulk paths, which a recorder takes for every packet of every recorded
/// phone: decoding a payload across the ring's end, and popping one channel of an
/// interleaved frame.
@Suite("Sample FIFO")
struct SampleFIFOTests {
    @Test func payloadsDecodeAcrossTheRingsEndAndTheOldestAreDroppedWhenFull() {
        var fifo = SampleFIFO(capacity: 8)
        let codes: [UInt8] = (0..<12).map { G711.Law.alaw.encode(Int16($0) * 1000) }
        codes[0..<6].withUnsafeBytes { fifo.append(decoding: $0, law: .alaw) }
        var two = [Int16](repeating: 0, count: 2)
        let poppedTwo = fifo.pop(into: &two)  // head moves to 2: the next payload wraps
        #expect(poppedTwo)
        codes[6..<12].withUnsafeBytes { fifo.append(decoding: $0, law: .alaw) }
        #expect(fifo.count == 8 && fifo.overflowed == 2)
        var out = [Int16](repeating: -1, count: 16)
        let popped = out.withUnsafeMutableBufferPointer { fifo.pop(8, into: $0, offset: 1, stride: 2) }
        #expect(popped)
        let expected = (4..<12).map { G711.Law.alaw.decode(codes[$0]) }
        #expect(stride(from: 1, to: 16, by: 2).map { out[$0] } == expected)
        #expect(stride(from: 0, to: 16, by: 2).allSatisfy { out[$0] == -1 }, "the other channel untouched")
        // Fewer than asked: nothing moves.
        let short = out.withUnsafeMutableBufferPointer { fifo.pop(1, into: $0, offset: 0, stride: 2) }
        #expect(!short && out[0] == -1)
    }
}
