import Testing

@testable import VPBXRTP

@Suite("G.711")
struct G711Tests {
    @Test func knownMuLawValues() {
        #expect(G711.ulawToLinear(0xFF) == 0)
        #expect(G711.ulawToLinear(0x7F) == 0)
        #expect(G711.ulawToLinear(0x80) == 32124)
        #expect(G711.ulawToLinear(0x00) == -32124)
        #expect(G711.ulawToLinear(0xFE) == 8)
        #expect(G711.ulawToLinear(0xEF) == 132)  // first step of segment 1
        #expect(G711.linearToUlaw(0) == 0xFF)
        #expect(G711.linearToUlaw(.max) == 0x80)
        #expect(G711.linearToUlaw(.min) == 0x00)
    }

    @Test func knownALawValues() {
        #expect(G711.alawToLinear(0xD5) == 8)
        #expect(G711.alawToLinear(0x55) == -8)
        #expect(G711.alawToLinear(0xAA) == 32256)
        #expect(G711.alawToLinear(0x2A) == -32256)
        #expect(G711.linearToAlaw(0) == 0xD5)
        #expect(G711.linearToAlaw(-1) == 0x55)
        #expect(G711.linearToAlaw(.max) == 0xAA)
        #expect(G711.linearToAlaw(.min) == 0x2A)
    }

    @Test("every code survives decode then encode", arguments: G711.Law.allCases)
    func codesRoundTrip(law: G711.Law) {
        for code in UInt8.min...UInt8.max {
            let again = law.encode(law.decode(code))
            // μ-law has two zeros (0xFF, 0x7F); both decode to 0, which encodes as 0xFF.
            if law == .ulaw && code == 0x7F { #expect(again == 0xFF) } else { #expect(again == code) }
        }
    }

    @Test("quantisation error stays within half a step", arguments: G711.Law.allCases)
    func errorBound(law: G711.Law) {
        for value in stride(from: Int(Int16.min), through: Int(Int16.max), by: 7) {
            let sample = Int16(value)
            let decoded = Int(law.decode(law.encode(sample)))
            let error = abs(decoded - value)
            // Steps double per segment: relative error ~3%, absolute minimum step 8 (A-law
            // segment 0 is 16 wide) and μ-law clips above 32635.
            let allowed = max(16, abs(value) / 16 + 1) + (law == .ulaw && abs(value) > 32124 ? 700 : 0)
            #expect(error <= allowed, "\(law) \(value) -> \(decoded)")
        }
    }

    @Test("decoding is symmetric in sign", arguments: G711.Law.allCases)
    func signSymmetry(law: G711.Law) {
        for code in UInt8(0)...0x7F {
            #expect(law.decode(code) == -law.decode(code | 0x80))
        }
    }

    @Test func encodingIsMonotonic() {
        for law in G711.Law.allCases {
            var previous = Int.min
            for value in stride(from: Int(Int16.min), through: Int(Int16.max), by: 3) {
                let decoded = Int(law.decode(law.encode(Int16(value))))
                #expect(decoded >= previous)
                previous = decoded
            }
        }
    }

    @Test func lawMetadata() {
        #expect(G711.Law(encodingName: "pcmu") == .ulaw)
        #expect(G711.Law(encodingName: "PCMA") == .alaw)
        #expect(G711.Law(encodingName: "G729") == nil)
        #expect(G711.Law.ulaw.payloadType == 0 && G711.Law.alaw.payloadType == 8)
        #expect(G711.Law.alaw.decode(G711.Law.alaw.silence) == 8)
        #expect(G711.Law.ulaw.decode(G711.Law.ulaw.silence) == 0)
    }

    @Test func bufferConverters() {
        let samples: [Int16] = [0, 1000, -1000, 32767, -32768, 8]
        var codes = [UInt8](repeating: 0, count: samples.count)
        let encoded = samples.withUnsafeBufferPointer { input in
            codes.withUnsafeMutableBytes { G711.encode(.alaw, input, into: $0) }
        }
        #expect(encoded == samples.count)
        #expect(codes == G711.encode(.alaw, samples))

        var decoded = [Int16](repeating: 0, count: 4)  // shorter output: converts 4
        let count = codes.withUnsafeBytes { input in
            decoded.withUnsafeMutableBufferPointer { G711.decode(.alaw, input, into: $0) }
        }
        #expect(count == 4)
        #expect(decoded == Array(G711.decode(.alaw, codes).prefix(4)))

        var transcoded = [UInt8](repeating: 0, count: codes.count)
        codes.withUnsafeBytes { input in
            transcoded.withUnsafeMutableBytes { _ = G711.transcode(from: .alaw, input, to: .ulaw, into: $0) }
        }
        #expect(transcoded == G711.encode(.ulaw, G711.decode(.alaw, codes)))
    }
}
