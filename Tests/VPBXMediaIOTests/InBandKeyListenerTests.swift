import Foundation
import Testing
import VPBXMedia
import VPBXMediaIO
import VPBXRTP

/// Keys pressed as tones in a G.711 stream, as the relay's digit watcher hears them.
@Suite("In-band keys for the relay")
struct InBandKeyListenerTests {
    /// 20 ms packets (160 samples) of `digit`'s two tones for `milliseconds`, then as much
    /// silence, encoded in `law`.
    private func packets(_ digit: DTMFDigit?, milliseconds: Int, law: G711.Law) -> [[UInt8]] {
        let (low, high) = digit?.frequencies ?? (0, 0)
        let count = milliseconds * 8
        let samples: [Int16] = (0..<count).map { n in
            guard digit != nil else { return 0 }
            let t = Double(n) / 8000
            return Int16(5000 * sin(2 * .pi * low * t) + 5000 * sin(2 * .pi * high * t))
        }
        return stride(from: 0, to: count, by: 160).map { samples[$0..<min($0 + 160, count)].map(law.encode) }
    }

    private func keys(_ listener: InBandKeyListener, _ packets: [[UInt8]], payloadType: UInt8) -> [Character] {
        packets.flatMap { packet in packet.withUnsafeBytes { listener.keys(payloadType: payloadType, payload: $0) } }
    }

    @Test("a 100 ms key in A-law is heard once; the same tones under another payload type are not")
    func aKeyIsHeardOnce() throws {
        let listener = try #require(InBandKeyListener(encoding: "PCMA", payloadType: 8))
        let press = packets(.one, milliseconds: 100, law: .alaw) + packets(nil, milliseconds: 100, law: .alaw)
        #expect(keys(listener, press, payloadType: 8) == ["1"])
        #expect(keys(listener, packets(.two, milliseconds: 100, law: .alaw), payloadType: 0).isEmpty)
    }

    @Test("µ-law keys in a row; a steady single tone is no key; codecs other than G.711 get no listener")
    func keysInARowAndNoFalseKeys() throws {
        let listener = try #require(InBandKeyListener(encoding: "pcmu", payloadType: 0))
        let gap = packets(nil, milliseconds: 80, law: .ulaw)
        let presses =
            packets(.one, milliseconds: 80, law: .ulaw) + gap + packets(.nine, milliseconds: 80, law: .ulaw) + gap
        #expect(keys(listener, presses, payloadType: 0) == ["1", "9"])
        let hum: [[UInt8]] = stride(from: 0, to: 8000, by: 160).map { first in
            (first..<(first + 160)).map { G711.Law.ulaw.encode(Int16(6000 * sin(2 * .pi * 700 * Double($0) / 8000))) }
        }
        #expect(keys(listener, hum, payloadType: 0).isEmpty)
        #expect(InBandKeyListener(encoding: "G722", payloadType: 9) == nil)
    }
}
