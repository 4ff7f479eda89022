import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// Source bans reach control clients as `ban.added` and `ban.removed` on the `ban` topic,
/// which a wallboard (held to `queue`, `agent` and `engine`) does not get
/// (docs/control-protocol.md).
@Suite struct EventBridgeBanTests {
    @Test func aBanBecomesBanAdded() {
        let (topic, type, data) = EventBridge.encode(.sourceBanned(source: "192.0.2.7", failures: 10, seconds: 900))
        #expect(topic == EventTopic.ban)
        #expect(type == "ban.added")
        #expect(data == .object(["source": .string("192.0.2.7"), "failures": .int(10), "banSeconds": .int(900)]))
    }

    @Test func anEndedBanBecomesBanRemovedWithItsReason() {
        let (topic, type, data) = EventBridge.encode(.sourceBanEnded(source: "192.0.2.7", reason: "lifted"))
        #expect(topic == EventTopic.ban)
        #expect(type == "ban.removed")
        #expect(data == .object(["source": .string("192.0.2.7"), "reason": .string("lifted")]))
    }
}

/// Contact checks reach control clients as `contact.reachability` on the `registration` topic.
@Suite struct EventBridgeReachabilityTests {
    @Test func aReachableContactCarriesItsRoundTrip() {
        let (topic, type, data) = EventBridge.encode(
            .contactReachability(extensionNumber: "1002", contact: "sip:1002@192.0.2.9", reachable: true, roundTripMilliseconds: 12))
        #expect(topic == "registration")
        #expect(type == "contact.reachability")
        #expect(
            data == .object([
                "extension": .string("1002"), "contact": .string("sip:1002@192.0.2.9"), "status": .string("reachable"),
                "rttMs": .int(12),
            ]))
    }

    @Test func anUnreachableContactHasNoRoundTrip() {
        let (_, _, data) = EventBridge.encode(
            .contactReachability(extensionNumber: "1002", contact: "sip:1002@192.0.2.9", reachable: false, roundTripMilliseconds: nil))
        #expect(
            data == .object([
                "extension": .string("1002"), "contact": .string("sip:1002@192.0.2.9"), "status": .string("unreachable"),
            ]))
    }
}
