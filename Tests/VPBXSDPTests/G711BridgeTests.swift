import Testing

@testable import VPBXSDP

/// Offers passed on with both G.711 laws, and answers in the law the offerer lacks.
@Suite("SDP: bridging the G.711 laws")
struct G711BridgeTests {
    static func body(_ formats: String, _ maps: [String], version: Int = 1) -> String {
        ([
            "v=0", "o=- \(version) \(version) IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0",
            "m=audio 4000 RTP/AVP \(formats)",
        ] + maps.map { "a=\($0)" } + ["a=sendrecv", ""]).joined(separator: "\r\n")
    }

    static let aLawOnly = body("8 101", ["rtpmap:8 PCMA/8000", "rtpmap:101 telephone-event/8000", "fmtp:101 0-15"])
    static let muLawAnswer = body("0 96", ["rtpmap:0 PCMU/8000", "rtpmap:96 telephone-event/8000", "fmtp:96 0-16", "ptime:20"])

    func encodings(_ sdp: SessionDescription) -> [String] {
        sdp.media[sdp.firstAudioIndex!].codecs.map { $0.encodingName.uppercased() }
    }

    @Test func anOfferWithOneLawGetsTheOtherAfterItsOwnFormats() throws {
        let offered = try SessionDescription(parsing: Self.aLawOnly).offeringBothG711Laws()
        #expect(offered.media[0].formats == ["8", "101", "0"])
        #expect(encodings(offered) == ["PCMA", "TELEPHONE-EVENT", "PCMU"])
        let muLaw = try SessionDescription(parsing: Self.body("0", ["rtpmap:0 PCMU/8000"])).offeringBothG711Laws()
        #expect(encodings(muLaw) == ["PCMU", "PCMA"])
    }

    @Test func offersWithBothLawsNeitherOrAClashingNumberStayAsTheyAre() throws {
        for text in [
            Self.body("8 0 101", ["rtpmap:8 PCMA/8000", "rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000"]),
            Self.body("9 101", ["rtpmap:9 G722/8000", "rtpmap:101 telephone-event/8000"]),
            // 0 taken by another codec (against RFC 3551, but not ours to break).
            Self.body("8 0", ["rtpmap:8 PCMA/8000", "rtpmap:0 opus/48000/2"]),
            // 0 named by an rtpmap line the m-line does not list: adding 0 would make it that.
            Self.body("8", ["rtpmap:8 PCMA/8000", "rtpmap:0 G726-32/8000"]),
        ] {
            let offer = try SessionDescription(parsing: text)
            #expect(offer.offeringBothG711Laws() == offer)
            #expect(offer.passedOnWithBothG711Laws().bridgeBeforeAnswer == nil, "nothing added, nothing to convert before the answer")
        }
    }

    @Test("SRTP (RTP/SAVP, or SDES keys on RTP/AVP) is passed on as offered: the relay cannot convert what it cannot decrypt")
    func encryptedOffersGetNoSecondLaw() throws {
        let key = "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
        let secure = Self.aLawOnly.replacingOccurrences(of: "RTP/AVP", with: "RTP/SAVP")
            .replacingOccurrences(of: "a=sendrecv", with: "a=\(key)\r\na=sendrecv")
        let bestEffort = Self.aLawOnly.replacingOccurrences(of: "a=sendrecv", with: "a=\(key)\r\na=sendrecv")
        for text in [secure, bestEffort] {
            let offer = try SessionDescription(parsing: text)
            #expect(offer.media[0].carriesEncryptedMedia)
            #expect(offer.passedOnWithBothG711Laws().offer == offer)
            #expect(offer.passedOnWithBothG711Laws().bridgeBeforeAnswer == nil)
            // Anchoring keeps the profile and the key: the callee decrypts what the caller sends.
            let anchored = offer.anchored(at: "203.0.113.5", audioPort: 12000).serialized()
            #expect(anchored.contains("a=\(key)"), "\(anchored)")
            #expect(anchored.contains(text.contains("RTP/SAVP") ? "m=audio 12000 RTP/SAVP" : "m=audio 12000 RTP/AVP"))
        }
        #expect(!(try SessionDescription(parsing: Self.aLawOnly)).media[0].carriesEncryptedMedia)
        // An engine application cannot answer SRTP: the offer is refused (the caller gets 488).
        #expect(throws: SDPError.self) {
            _ = try SessionDescription.answer(
                to: try SessionDescription(parsing: secure), origin: Origin(sessionID: "1", sessionVersion: 1, address: "203.0.113.5"),
                address: "203.0.113.5", audioPort: 12000)
        }
    }

    @Test func beforeTheAnswerOnlyTheAddedLawFromTheCalleeIsConverted() throws {
        let early = try #require(try SessionDescription(parsing: Self.aLawOnly).passedOnWithBothG711Laws().bridgeBeforeAnswer)
        #expect(early.awaitsAnswer)
        #expect(early.caller == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(early.callee == RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        // The callee's event payload type is the answer's to choose: events are left alone.
        #expect(early.callerEvents == nil && early.calleeEvents == nil)
        let muLaw = try #require(try SessionDescription(parsing: Self.body("0", ["rtpmap:0 PCMU/8000"])).passedOnWithBothG711Laws().bridgeBeforeAnswer)
        #expect(muLaw.caller.payloadType == 0 && muLaw.callee == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
    }

    @Test func anAnswerInTheMissingLawMakesABridgeAndTheOffererIsAnsweredInItsOwn() throws {
        let offer = try SessionDescription(parsing: Self.aLawOnly)
        let answer = try SessionDescription(parsing: Self.muLawAnswer)
        let bridge = try #require(offer.g711Bridge(toAnswer: answer))
        #expect(bridge.caller == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(bridge.callee == RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        #expect(bridge.callerEvents?.payloadType == 101 && bridge.calleeEvents?.payloadType == 96)
        #expect(bridge.reversed.caller == bridge.callee && bridge.reversed.calleeEvents == bridge.callerEvents)

        let forOfferer = answer.answeringCaller(through: bridge)
        let audio = forOfferer.media[0]
        #expect(audio.formats == ["8", "101"])
        #expect(encodings(forOfferer) == ["PCMA", "TELEPHONE-EVENT"])
        #expect(audio.formatParameters(for: 101) == "0-15")
        #expect(audio.formatParameters(for: 96) == nil)
        #expect(audio.ptime == 20 && audio.direction == .sendrecv && audio.port == 4000)
    }

    @Test func anAnswerInALawTheOffererHasNeedsNoBridge() throws {
        let offer = try SessionDescription(parsing: Self.aLawOnly)
        let answer = try SessionDescription(parsing: Self.body("8 101", ["rtpmap:8 PCMA/8000", "rtpmap:101 telephone-event/8000"]))
        #expect(offer.g711Bridge(toAnswer: answer) == nil)
        // Nor one in a codec other than G.711.
        let g722 = try SessionDescription(parsing: Self.body("9", ["rtpmap:9 G722/8000"]))
        #expect(offer.g711Bridge(toAnswer: g722) == nil)
    }
}
