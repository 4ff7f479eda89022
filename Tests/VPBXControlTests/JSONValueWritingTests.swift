import Foundation
import Testing

@testable import VPBXControl

/// `JSONValue.writeJSON` must write exactly what the protocol's JSONEncoder writes: clients
/// and scripts see the same bytes whichever path produced a line.
@Suite("JSONValue writing")
struct JSONValueWritingTests {
    private func written(_ value: JSONValue) throws -> String {
        var bytes: [UInt8] = []
        try value.writeJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func encoded(_ value: JSONValue) throws -> String {
        String(decoding: try RPCCoding.makeEncoder().encode(value), as: UTF8.self)
    }

    @Test(arguments: [
        JSONValue.null, true, false, 0, -1, .int(.max), .int(.min), 1.5, 1e20, -0.0, 0.1, 3e-7,
        "", "plain", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}",
        "Kovács Ödön 😀 \u{2028}", [], [:], [1, "two", [3.5, nil]],
        ["b": 1, "B": 2, "a": 3, "_x": 4, "aa": 5, "a1": 6, "a10": 7, "a2": 8, "é": 9, "z": [:]],
    ])
    func fixedValuesMatchJSONEncoder(value: JSONValue) throws {
        #expect(try written(value) == encoded(value))
    }

    @Test func randomTreesMatchJSONEncoder() throws {
        var generator = SplitMix(seed: 34)
        for _ in 0..<2000 {
            let value = randomValue(depth: 0, &generator)
            #expect(try written(value) == encoded(value))
        }
    }

    @Test func aNonFiniteNumberIsRefusedAsByJSONEncoder() {
        var bytes: [UInt8] = []
        #expect(throws: EncodingError.self) { try JSONValue.array([1, .double(.nan)]).writeJSON(to: &bytes) }
        #expect(throws: EncodingError.self) { try JSONValue.double(.infinity).writeJSON(to: &bytes) }
    }

    @Test func theEventLineIsTheEncodedNotification() throws {
        var generator = SplitMix(seed: 7)
        for seq in 1...200 {
            let event = RPCEvent(
                seq: UInt64(seq) * 1_000_003, topic: "call", type: "call.ended\u{1}",
                data: randomValue(depth: 0, &generator))
            let expected = try ControlConnection.encodeLine(RPCEventLine(params: event))
            #expect(try RPCEventLine.line(event) == Array(expected.readableBytesView))
        }
    }

    private func randomValue(depth: Int, _ generator: inout SplitMix) -> JSONValue {
        switch generator.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: generator.next()) >> (generator.next() % 60))
        case 3: return .double(Double(Int64(bitPattern: generator.next()) >> 20) / 1024)
        case 4: return .string(randomText(&generator))
        case 5: return .array((0..<generator.next() % 5).map { _ in randomValue(depth: depth + 1, &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<generator.next() % 6 { members[randomText(&generator)] = randomValue(depth: depth + 1, &generator) }
            return .object(members)
        }
    }

    private func randomText(_ generator: inout SplitMix) -> String {
        let alphabet = Array("aZ_09 \"\\/\n\t\u{0}\u{1f}\u{7f}éő😀\u{2028}-.:")
        return String((0..<generator.next() % 8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}

/// A small seeded generator, so a failure can be replayed.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
