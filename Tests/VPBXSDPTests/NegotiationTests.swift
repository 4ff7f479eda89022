import Testing

@testable import VPBXSDP

@Suite("Codec policy and offer/answer")
struct NegotiationTests {
    private let origin = Origin(username: "vpbx", sessionID: "9", sessionVersion: 1, address: "203.0.113.1")

    @Test func restrictingKeepsG711AndEventsInOrder() throws {
        let offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        let restricted = try offer.restrictingAudio()
        let audio = restricted.media[0]
        #expect(audio.formats == ["0", "8", "101"])
        #expect(!audio.attributes.contains { $0.value?.hasPrefix("18 ") ?? false })
        #expect(!audio.attributes.contains { $0.value?.hasPrefix("9 ") ?? false })
        #expect(audio.formatParameters(for: 101) == "0-15")
        #expect(audio.ptime == 20)
        #expect(audio.hasAttribute("sendrecv"))
    }

    @Test func restrictingIsCaseInsensitiveAndDropsUnknownDynamicTypes() throws {
        var offer = try SessionDescription(parsing: SampleOffers.softphone)
        offer.media[0].formats.append("120")  // dynamic type without rtpmap: unidentifiable
        let restricted = try offer.restrictingAudio(to: ["pcma", "TELEPHONE-EVENT"])
        #expect(restricted.media[0].formats == ["8", "101", "99", "100"])
        #expect(restricted.media[0].formatParameters(for: 96) == nil)
        #expect(restricted.media[0].hasAttribute("rtcp-fb"))  // "a=rtcp-fb:*" applies to all
        #expect(restricted.media[1] == offer.media[1])  // video untouched
    }

    @Test func restrictingWithNoCommonCodecThrows488() throws {
        let offer = try SessionDescription(parsing: SampleOffers.g729Only)
        let failure = try #require(throws: SDPError.self) { try offer.restrictingAudio() }
        #expect(failure.code == .noCommonCodec)
        #expect(failure.sipStatusCode == 488)
        #expect(failure.message.contains("G729"))
    }

    @Test func answerPrefersLocalOrderAndEchoesOffererEventType() throws {
        let offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        let result = try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(result.codec == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(result.telephoneEvent?.payloadType == 101)
        #expect(result.direction == .sendrecv)
        #expect(
            result.answer.serialized()
                == crlf(
                    "v=0", "o=vpbx 9 1 IN IP4 203.0.113.1", "s=vpbx", "c=IN IP4 203.0.113.1", "t=0 0",
                    "m=audio 20000 RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
                    "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv"))
    }

    @Test func answerPicksEventAtCodecRateAndRejectsVideo() throws {
        let offer = try SessionDescription(parsing: SampleOffers.softphone)
        let result = try SessionDescription.answer(
            to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000, localCodecs: ["PCMU", "PCMA"])
        #expect(result.codec.payloadType == 0)
        #expect(result.telephoneEvent == RTPMap(payloadType: 100, encodingName: "telephone-event", clockRate: 8000))
        #expect(result.answer.media.count == 2)
        #expect(result.answer.media[1].port == 0)
        #expect(result.answer.media[1].media == "video")
    }

    @Test func answerToStaticOnlyOfferWithoutEvents() throws {
        let offer = try SessionDescription(parsing: SampleOffers.loadGenerator)
        let result = try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(result.codec.encodingName == "PCMU")
        #expect(result.telephoneEvent == nil)
        #expect(result.answer.media[0].formats == ["0"])
    }

    @Test func answerToHoldIsRecvonly() throws {
        let offer = try SessionDescription(parsing: SampleOffers.holdByAddress)
        let result = try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(result.direction == .recvonly)
        var inactive = offer
        inactive.media[0].direction = .inactive
        let second = try SessionDescription.answer(
            to: inactive, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(second.direction == .inactive)
    }

    @Test func answerSkipsDisabledAndSecureStreams() throws {
        var offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        var secure = offer.media[0]
        secure.proto = "RTP/SAVP"
        var disabled = offer.media[0]
        disabled.port = 0
        offer.media = [secure, disabled, offer.media[0]]
        let result = try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(result.mediaIndex == 2)
        #expect(result.answer.media.map(\.port) == [0, 0, 20000])
        #expect(result.answer.media[0].proto == "RTP/SAVP")
    }

    @Test func answerWithoutCommonCodecThrows() throws {
        let offer = try SessionDescription(parsing: SampleOffers.g729Only)
        let failure = try #require(throws: SDPError.self) {
            try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        }
        #expect(failure.code == .noCommonCodec)
        let empty = SessionDescription(origin: origin)
        #expect(throws: SDPError.self) {
            try SessionDescription.answer(to: empty, origin: origin, address: "203.0.113.1", audioPort: 20000)
        }
    }

    @Test func answerRoundTripsThroughTheParser() throws {
        let offer = try SessionDescription(parsing: SampleOffers.conferencePhone)
        let result = try SessionDescription.answer(to: offer, origin: origin, address: "203.0.113.1", audioPort: 20000)
        #expect(try SessionDescription(parsing: result.answer.serialized()) == result.answer)
        #expect(result.telephoneEvent?.payloadType == 127)
    }

    @Test func requiringVoiceLeavesAnHDOfferUntouched() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 9 96 8 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:96 opus/48000/2\r\n"
            + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
        let offer = try SessionDescription(parsing: text)
        #expect(try offer.requiringVoice() == offer)
    }

    @Test func requiringVoiceRefusesEventsAndComfortNoiseAlone() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 101 13\r\na=rtpmap:101 telephone-event/8000\r\n"
            + "m=audio 0 RTP/AVP 0\r\n"
        let offer = try SessionDescription(parsing: text)
        let failure = try #require(throws: SDPError.self) { try offer.requiringVoice() }
        #expect(failure.code == .noCommonCodec)
        #expect(failure.sipStatusCode == 488)
    }

    @Test func requiringVoiceCountsAFormatWithoutRtpmapAsVoice() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 97\r\n"
        #expect(throws: Never.self) { try SessionDescription(parsing: text).requiringVoice() }
    }
}
