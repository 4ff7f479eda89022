import Testing

@testable import VPBXSDP

@Suite("Anchoring and origin tracking")
struct AnchoringTests {
    @Test func anchoringRewritesAddressesAndPort() throws {
        let offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        let anchored = offer.anchored(at: "203.0.113.1", audioPort: 20000)
        #expect(anchored.connection == Connection(addrType: "IP4", address: "203.0.113.1"))
        #expect(anchored.origin.address == "203.0.113.1")
        #expect(anchored.origin.sessionID == offer.origin.sessionID)
        #expect(anchored.audioEndpoint?.address == "203.0.113.1")
        #expect(anchored.audioEndpoint?.port == 20000)
        #expect(anchored.media[0].formats == offer.media[0].formats)
        #expect(anchored.media[0].attributes == offer.media[0].attributes)
    }

    @Test func anchoringDropsPeerTransportDetailsAndOtherStreams() throws {
        let offer = try SessionDescription(parsing: SampleOffers.softphone)
        let anchored = offer.anchored(at: "2001:db8::1", audioPort: 30000)
        #expect(anchored.connection?.addrType == "IP6")
        #expect(anchored.origin.addrType == "IP6")
        #expect(!anchored.media[0].hasAttribute("candidate"))
        #expect(!anchored.media[0].hasAttribute("rtcp"))
        #expect(anchored.media[0].hasAttribute("rtcp-fb"))
        #expect(!anchored.attributes.contains { $0.name.hasPrefix("ice-") })
        #expect(anchored.attributes.contains { $0.name == "rtcp-xr" })
        #expect(anchored.media[1].media == "video")
        #expect(anchored.media[1].port == 0)
        #expect(anchored.serialized().contains("m=video 0 RTP/AVP 102\r\n"))
    }

    @Test func anchoringReplacesMediaLevelConnection() throws {
        var offer = try SessionDescription(parsing: SampleOffers.deskPhone)
        offer.media[0].connection = Connection(address: "10.9.9.9")
        let anchored = offer.anchored(at: "203.0.113.1", audioPort: 20000)
        #expect(anchored.media[0].connection == nil)
        #expect(anchored.audioEndpoint?.address == "203.0.113.1")
    }

    @Test func anchoringKeepsAnAddressHold() throws {
        let offer = try SessionDescription(parsing: SampleOffers.holdByAddress)
        let anchored = offer.anchored(at: "203.0.113.1", audioPort: 20000)
        #expect(anchored.connection?.address == "203.0.113.1")
        #expect(anchored.isHold)
        #expect(anchored.media[0].direction == .sendonly)
    }

    @Test func trackerKeepsOriginAndBumpsVersionOnChange() throws {
        var tracker = OriginTracker(sessionID: 777, address: "203.0.113.1")
        let offer = try SessionDescription(parsing: SampleOffers.deskPhone).anchored(
            at: "203.0.113.1", audioPort: 20000)

        let first = tracker.stamp(offer)
        #expect(first.origin == Origin(username: "vpbx", sessionID: "777", sessionVersion: 1, address: "203.0.113.1"))

        // A session refresh with the same content keeps the version (RFC 3264 §8).
        var refreshed = offer
        refreshed.origin.sessionVersion += 5  // the other leg's bump must not leak through
        #expect(tracker.stamp(refreshed).origin.sessionVersion == 1)

        var held = offer
        held.media[0].direction = .sendonly
        #expect(tracker.stamp(held).origin.sessionVersion == 2)
        #expect(tracker.stamp(offer).origin.sessionVersion == 3)
        #expect(tracker.origin.sessionID == "777")
    }
}
