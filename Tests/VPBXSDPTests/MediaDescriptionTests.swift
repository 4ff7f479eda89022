import Testing

@testable import VPBXSDP

@Suite("Media sections: codecs, direction, ptime")
struct MediaDescriptionTests {
    @Test func rtpMapsIncludeStaticDefaults() throws {
        let audio = MediaDescription(
            media: "audio", port: 4000, formats: ["0", "8", "101"],
            attributes: [
                Attribute("rtpmap", "101 telephone-event/8000")
            ])
        #expect(audio.rtpMaps[0] == RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        #expect(audio.rtpMaps[8] == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(audio.rtpMaps[101] == RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000))
        #expect(audio.codecs.map(\.payloadType) == [0, 8, 101])
    }

    @Test func explicitRTPMapWinsAndChannelsParse() throws {
        let offer = try SessionDescription(parsing: SampleOffers.softphone)
        let audio = offer.media[0]
        #expect(audio.rtpMaps[96] == RTPMap(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(audio.codec(named: "TELEPHONE-EVENT")?.payloadType == 101)
        #expect(audio.formatParameters(for: 96) == "useinbandfec=1")
        #expect(audio.formatParameters(for: 0) == nil)
    }

    @Test func dynamicTypeWithoutRTPMapIsUnknown() {
        let audio = MediaDescription(media: "audio", port: 4000, formats: ["96", "8"])
        #expect(audio.rtpMaps[96] == nil)
        #expect(audio.codecs.map(\.encodingName) == ["PCMA"])
    }

    @Test(
        "malformed rtpmap values are ignored",
        arguments: [
            "", "abc PCMU/8000", "200 X/8000", "97 X", "97 /8000", "97 X/0", "97 X/8000/0", "97 X/8000/1/2",
            "97 X/8000 ", "97 X/8k", "97", "1000 X/8000",
        ])
    func malformedRTPMap(value: String) {
        #expect(RTPMap(attributeValue: value) == nil)
    }

    @Test func wellFormedRTPMapValues() {
        #expect(RTPMap(attributeValue: "8 PCMA/8000") == RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(RTPMap(attributeValue: "96  opus/48000/2") == RTPMap(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(RTPMap(attributeValue: "101 telephone-event/8000")?.hasEncoding("Telephone-Event") == true)
    }

    @Test("codecs: each listed format's first valid rtpmap, else its static type, in m-line order (as the rtpMaps table says)")
    func codecsAgreeWithTheTable() {
        let sections = [
            MediaDescription(
                media: "audio", port: 4000, formats: ["101", "0", "8", "96", "x"],
                attributes: [
                    Attribute("RTPMAP", "101 telephone-event/8000"), Attribute("rtpmap", "0 broken"),
                    Attribute("rtpmap", "0 G726-32/8000"), Attribute("rtpmap", "96 opus/48000/2"),
                    Attribute("rtpmap", "96 speex/8000"), Attribute("rtpmap", "97 unlisted/8000"),
                    Attribute("rtpmap", " 8 PCMA/16000"),
                ]),
            MediaDescription(media: "audio", port: 4000, formats: ["18", "13", "3"]),
        ]
        for section in sections {
            let table = section.rtpMaps
            #expect(section.codecs == section.formats.compactMap { Int($0).flatMap { table[$0] } })
        }
        #expect(sections[0].codecs.map(\.encodingName) == ["telephone-event", "G726-32", "PCMA", "opus"])
        #expect(sections[0].codecs[2].clockRate == 16000, "a written rtpmap wins over the static type")
    }

    @Test func ptimeGetAndSet() throws {
        var audio = try SessionDescription(parsing: SampleOffers.deskPhone).media[0]
        #expect(audio.ptime == 20)
        audio.ptime = 30
        #expect(audio.ptime == 30)
        #expect(audio.attributes.filter { $0.name == "ptime" }.count == 1)
        audio.ptime = nil
        #expect(audio.ptime == nil)
    }

    @Test func directionDefaultsToSendrecvAndCanBeSet() {
        var audio = MediaDescription(media: "audio", port: 4000, formats: ["0"])
        #expect(audio.direction == .sendrecv)
        audio.direction = .sendonly
        audio.direction = .inactive
        #expect(audio.direction == .inactive)
        #expect(audio.attributes == [Attribute("inactive")])
    }

    @Test func directionReversalAndHold() {
        #expect(MediaDirection.sendonly.reversed == .recvonly)
        #expect(MediaDirection.recvonly.reversed == .sendonly)
        #expect(MediaDirection.sendrecv.reversed == .sendrecv)
        #expect(MediaDirection.inactive.reversed == .inactive)
        #expect(MediaDirection.sendonly.isHold && MediaDirection.inactive.isHold)
        #expect(!MediaDirection.sendrecv.isHold && !MediaDirection.recvonly.isHold)
    }

    @Test func holdBySendonly() throws {
        var offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        #expect(!offer.isHold)
        offer.media[0].direction = .sendonly
        #expect(offer.isHold)
        #expect(offer.direction(ofMediaAt: 0) == .sendonly)
    }

    @Test func whetherTheWriterSendsAudio() throws {
        var offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        #expect(offer.sendsAudio)
        offer.media[0].direction = .sendonly  // holding: it may still send (music)
        #expect(offer.sendsAudio)
        offer.media[0].direction = .recvonly
        #expect(!offer.sendsAudio)
        offer.media[0].direction = .inactive
        #expect(!offer.sendsAudio)
        // The hold address stops the other side's sending, not the writer's.
        #expect(try SessionDescription(parsing: SampleOffers.holdByAddress).sendsAudio)
        offer.media[0].direction = .sendrecv
        offer.media[0].port = 0  // audio refused: nothing will be sent
        #expect(!offer.sendsAudio)
    }

    @Test func holdByZeroAddress() throws {
        let offer = try SessionDescription(parsing: SampleOffers.holdByAddress)
        #expect(offer.isHold)
        #expect(offer.direction(ofMediaAt: 0) == .sendonly)
        #expect(offer.audioEndpoint == nil)
        // Media-level c=0.0.0.0 also counts, and with recvonly nothing flows at all.
        var media = MediaDescription(
            media: "audio", port: 4000, formats: ["0"], connection: Connection(address: "0.0.0.0"))
        media.direction = .recvonly
        #expect(media.direction == .inactive)
    }

    @Test func sessionLevelDirectionIsInherited() throws {
        var offer = try SessionDescription(parsing: SampleOffers.conferencePhone)
        #expect(offer.sessionDirection == .sendrecv)
        offer.attributes = [Attribute("inactive")]
        #expect(offer.direction(ofMediaAt: 0) == .inactive)
        offer.media[0].direction = .recvonly  // media level wins
        #expect(offer.direction(ofMediaAt: 0) == .recvonly)
    }

    @Test func audioEndpointPrefersMediaConnection() throws {
        var offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        #expect(offer.audioEndpoint?.address == "192.168.1.50")
        #expect(offer.audioEndpoint?.port == 11796)
        offer.media[0].connection = Connection(address: "2001:db8::5")
        #expect(offer.audioEndpoint?.address == "2001:db8::5")
        offer.media[0].port = 0
        #expect(offer.audioEndpoint == nil)
    }

    @Test func audioEndpointSkipsVideoAndNeedsAConnection() throws {
        var offer = try SessionDescription(parsing: SampleOffers.softphone)
        offer.media.swapAt(0, 1)
        #expect(offer.audioEndpoint?.port == 7078)
        offer.connection = nil
        #expect(offer.audioEndpoint == nil)
    }
}
