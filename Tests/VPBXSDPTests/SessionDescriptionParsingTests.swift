import Testing

@testable import VPBXSDP

@Suite("SDP parsing and serialization")
struct SessionDescriptionParsingTests {
    @Test(
        "canonical offers print back byte for byte",
        arguments: [
            SampleOffers.deskPhone, SampleOffers.conferencePhone, SampleOffers.softphone, SampleOffers.holdByAddress,
        ])
    func exactRoundTrip(text: String) throws {
        let parsed = try SessionDescription(parsing: text)
        #expect(parsed.serialized() == text)
        #expect(try SessionDescription(parsing: parsed.serialized()) == parsed)
    }

    @Test func lfLineEndsAreAcceptedAndPrintedAsCRLF() throws {
        let parsed = try SessionDescription(parsing: SampleOffers.loadGenerator)
        #expect(
            parsed.origin
                == Origin(
                    username: "user1", sessionID: "53655765", sessionVersion: 2_353_687_637, address: "127.0.0.1"))
        #expect(parsed.serialized() == SampleOffers.loadGenerator.replacingLF())
    }

    @Test func fieldsOfADeskPhoneOffer() throws {
        let parsed = try SessionDescription(parsing: SampleOffers.deskPhone)
        #expect(parsed.version == 0)
        #expect(parsed.sessionName == "SDP data")
        #expect(parsed.connection == Connection(addrType: "IP4", address: "192.168.1.50"))
        #expect(parsed.timing == [Timing(start: 0, stop: 0)])
        #expect(parsed.media.count == 1)
        let audio = parsed.media[0]
        #expect(audio.media == "audio")
        #expect(audio.port == 11796)
        #expect(audio.portCount == nil)
        #expect(audio.proto == "RTP/AVP")
        #expect(audio.formats == ["0", "8", "9", "18", "101"])
        #expect(audio.attributes.first == Attribute("rtpmap", "0 PCMU/8000"))
        #expect(audio.attributes.contains(Attribute("sendrecv")))
    }

    @Test func unknownAndUninterpretedLinesSurvive() throws {
        let text = crlf(
            "v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "i=session info", "u=http://example.com",
            "e=ops@example.com", "c=IN IP4 10.0.0.1", "b=CT:128", "t=0 0", "r=7d 1h 0 25h", "z=0 0",
            "x=vendor extension", "a=tool:test", "m=audio 4000/2 RTP/AVP 0", "i=voice", "b=AS:64",
            "k=prompt", "y=unknown media line", "a=rtpmap:0 PCMU/8000")
        let parsed = try SessionDescription(parsing: text)
        #expect(parsed.otherFields.map(\.type) == ["i", "u", "e", "b", "z", "x"])
        #expect(parsed.timing == [Timing(start: 0, stop: 0, repeats: ["7d 1h 0 25h"])])
        #expect(parsed.media[0].portCount == 2)
        #expect(parsed.media[0].otherFields.map(\.type) == ["i", "b", "k", "y"])
        #expect(parsed.serialized() == text)
    }

    @Test func oddVendorAttributesAreKept() throws {
        let text = crlf("v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "t=0 0", "a=X-odd vendor thing", "a=X-empty:")
        let parsed = try SessionDescription(parsing: text)
        #expect(parsed.attributes == [Attribute("X-odd vendor thing"), Attribute("X-empty", "")])
        #expect(parsed.serialized() == text)
    }

    @Test func serializerPutsLinesInRFCOrder() throws {
        // Written out of order (t before c, a before t); printed back in canonical order.
        let text = "v=0\no=- 5 6 IN IP4 10.0.0.1\ns=-\nt=0 0\na=recvonly\nc=IN IP4 10.0.0.1\nm=audio 5000 RTP/AVP 8\n"
        let printed = try SessionDescription(parsing: text).serialized()
        #expect(
            printed
                == crlf(
                    "v=0", "o=- 5 6 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0", "a=recvonly",
                    "m=audio 5000 RTP/AVP 8"))
    }

    @Test func missingSessionNameAndTimingAreTolerated() throws {
        let parsed = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 0\r\n")
        #expect(parsed.sessionName == "-")
        #expect(parsed.timing == [Timing()])
    }

    @Test func blankLinesAndTrailingWhitespaceLinesAreSkipped() throws {
        let parsed = try SessionDescription(parsing: "v=0\r\n\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n \r\nt=0 0\r\n\r\n")
        #expect(parsed.media.isEmpty)
    }

    @Test func builtDescriptionSerializes() {
        let description = SessionDescription(
            origin: Origin(username: "vpbx", sessionID: "42", sessionVersion: 1, address: "203.0.113.1"),
            connection: Connection(address: "203.0.113.1"),
            media: [
                MediaDescription(
                    media: "audio", port: 20000, formats: ["8"], attributes: [Attribute("rtpmap", "8 PCMA/8000")])
            ])
        #expect(
            description.serialized()
                == crlf(
                    "v=0", "o=vpbx 42 1 IN IP4 203.0.113.1", "s=-", "c=IN IP4 203.0.113.1", "t=0 0",
                    "m=audio 20000 RTP/AVP 8", "a=rtpmap:8 PCMA/8000"))
    }
}

extension String {
    func replacingLF() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 + "\r\n" }.joined()
    }
}
