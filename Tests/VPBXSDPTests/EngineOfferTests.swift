import Testing

@testable import VPBXSDP

/// The offer the engine makes for a late-offer call.
@Suite("Engine offer")
struct EngineOfferTests {
    private let origin = Origin(username: "vpbx", sessionID: "7", sessionVersion: 1, address: "203.0.113.1")

    @Test("G.711 A-law, µ-law and telephone-event 0-16 on one sendrecv audio line, at the given address and port")
    func serialized() throws {
        let offer = SessionDescription.engineOffer(origin: origin, address: "203.0.113.1", audioPort: 10_002)
        let lines = offer.serialized().components(separatedBy: "\r\n")
        #expect(lines.contains("c=IN IP4 203.0.113.1"))
        #expect(lines.contains("m=audio 10002 RTP/AVP 8 0 101"))
        #expect(lines.contains("a=rtpmap:8 PCMA/8000"))
        #expect(lines.contains("a=rtpmap:0 PCMU/8000"))
        #expect(lines.contains("a=rtpmap:101 telephone-event/8000"))
        #expect(lines.contains("a=fmtp:101 0-16"))
        #expect(lines.contains("a=ptime:20"))
        #expect(lines.contains("a=sendrecv"))
        // What we write, we read back the same.
        #expect(try SessionDescription(parsing: offer.serialized()) == offer)
    }

    @Test("a phone preferring µ-law answers it with the engine's event payload type")
    func answerable() throws {
        let offer = SessionDescription.engineOffer(origin: origin, address: "203.0.113.1", audioPort: 10_002)
        let negotiated = try SessionDescription.answer(
            to: offer, origin: origin, address: "198.51.100.7", audioPort: 4000, localCodecs: ["PCMU"])
        #expect(negotiated.codec.payloadType == 0)
        #expect(negotiated.telephoneEvent?.payloadType == SessionDescription.engineTelephoneEventPayloadType)
        #expect(negotiated.direction == .sendrecv)
    }
}
