import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// Source bans reach control clients as `ban.added` and `ban.removed` on the `ban` topic,
/// which a wallboard (held to `queue`, `agent` and `engine`) does not get
/// (docs/control-protocol.md).
@Suite struct EventBridgeBanTests {
    @Test func aBanBecomesBanAdded() throws {
        let event = EventBridge.encode(.sourceBanned(source: "192.0.2.7", failures: 10, seconds: 900))
        #expect(event.topic == EventTopic.ban)
        #expect(event.type == "ban.added")
        #expect(try event.decodedData() == .object(["source": .string("192.0.2.7"), "failures": .int(10), "banSeconds": .int(900)]))
    }

    @Test func anEndedBanBecomesBanRemovedWithItsReason() throws {
        let event = EventBridge.encode(.sourceBanEnded(source: "192.0.2.7", reason: "lifted"))
        #expect(event.topic == EventTopic.ban)
        #expect(event.type == "ban.removed")
        #expect(try event.decodedData() == .object(["source": .string("192.0.2.7"), "reason": .string("lifted")]))
    }
}

/// Contact checks reach control clients as `contact.reachability` on the `registration` topic.
@Suite struct EventBridgeReachabilityTests {
    @Test func aReachableContactCarriesItsRoundTrip() throws {
        let event = EventBridge.encode(
            .contactReachability(extensionNumber: "1002", contact: "sip:1002@192.0.2.9", reachable: true, roundTripMilliseconds: 12))
        #expect(event.topic == "registration")
        #expect(event.type == "contact.reachability")
        #expect(
            try event.decodedData() == .object([
                "extension": .string("1002"), "contact": .string("sip:1002@192.0.2.9"), "status": .string("reachable"),
                "rttMs": .int(12),
            ]))
    }

    @Test func anUnreachableContactHasNoRoundTrip() throws {
        let event = EventBridge.encode(
            .contactReachability(extensionNumber: "1002", contact: "sip:1002@192.0.2.9", reachable: false, roundTripMilliseconds: nil))
        #expect(
            try event.decodedData() == .object([
                "extension": .string("1002"), "contact": .string("sip:1002@192.0.2.9"), "status": .string("unreachable"),
            ]))
    }
}
