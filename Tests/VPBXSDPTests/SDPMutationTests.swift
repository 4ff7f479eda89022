import Testing
import VPBXTestSupport

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
    static let mangler = ByteMangler(alphabet: "0123456789 /:=-.\r\nacmostv PCMAUtelphon-evn\u{FF}", changes: 1...4)

    @Test func mangledBodiesParseWholeOrNotAtAll() throws {
        var generator = SeededGenerator(seed: 0x5D9_2026)
        var parsed = 0
        let rounds = 4_000
        for round in 0..<rounds {
            let text = Self.mangler.mangle(Self.bodies[round % Self.bodies.count], using: &generator)
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
            let answer = try? SessionDescription(parsing: Self.mangler.mangle(G711BridgeTests.muLawAnswer, using: &generator))
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
