import Testing

@testable import VPBXSDP

/// Bodies from phones are untrusted: offers and answers mangled at random (bytes replaced by
/// the characters SDP is made of, lines dropped or repeated) go through everything the core
/// does with one. Whatever parses must come out whole: the codec questions agree with the
/// rtpmap table, and the anchored body parses again with the engine's address and port.
@Suite("SDP: mangled bodies")
struct SDPMutationTests {
    static let bodies = [
        SampleOffers.deskPhone, SampleOffers.conferencePhone, SampleOffers.softphone, SampleOffers.loadGenerator,
        SampleOffers.holdByAddress, SampleOffers.g729Only, G711BridgeTests.aLawOnly, G711BridgeTests.muLawAnswer,
    ]
    /// What SDP is written with, so that mutations make near-misses, not only garbage.
    static let alphabet = Array("0123456789 /:=-.\r\nacmostv PCMAUtelphon-evn\u{FF}".utf8)

    static func mangle(_ body: String, _ generator: inout SplitMix64) -> String {
        var bytes = Array(body.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[at] = alphabet.randomElement(using: &generator)!
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &generator)))
            case 2: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
            default:
                // A line repeated: duplicate attributes, m-lines, c-lines.
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
                bytes.insert(contentsOf: bytes[start..<end], at: end)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func mangledBodiesParseWholeOrNotAtAll() throws {
        var generator = SplitMix64(seed: 0x5D9_2026)
        var parsed = 0
        let rounds = 4_000
        for round in 0..<rounds {
            let text = Self.mangle(Self.bodies[round % Self.bodies.count], &generator)
            guard let sdp = try? SessionDescription(parsing: text) else { continue }
            parsed += 1
            for section in sdp.media {
                let table = section.rtpMaps
                #expect(section.codecs == section.formats.compactMap { Int($0).flatMap { table[$0] } }, "\(text)")
            }
            let (passedOn, early) = sdp.passedOnWithBothG711Laws()
            if let early {
                #expect(early.awaitsAnswer && passedOn.media[sdp.firstAudioIndex!].codec(named: early.callee.encodingName) != nil, "\(text)")
            }
            let answer = try? SessionDescription(parsing: Self.mangle(G711BridgeTests.muLawAnswer, &generator))
            if let answer, let bridge = passedOn.g711Bridge(toAnswer: answer) {
                _ = answer.answeringCaller(through: bridge).serialized()
            }
            let anchored = sdp.anchored(at: "192.0.2.1", audioPort: 20_000)
            let again = try SessionDescription(parsing: anchored.serialized())
            if sdp.firstAudioIndex != nil {
                let endpoint = try #require(again.audioEndpoint, "\(text)")
                #expect(endpoint.address == "192.0.2.1" && endpoint.port == 20_000)
            }
        }
        // Most mangled bodies still parse (a changed digit or letter is usually still SDP):
        // the checks above ran on them, not on a handful.
        #expect(parsed > rounds / 4, "only \(parsed) of \(rounds) parsed")
    }
}

/// A small seeded generator, so the mangling is the same on every run.
struct SplitMix64: RandomNumberGenerator {
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
