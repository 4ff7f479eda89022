import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// Source bans reach control clients as `auth.ban` on the `auth` topic, which a wallboard
/// (held to `queue`, `agent` and `engine`) does not get (docs/control-protocol.md).
@Suite struct EventBridgeAuthBanTests {
    @Test func aBanBecomesAnAuthEvent() {
        let (topic, type, data) = EventBridge.encode(.authBan(source: "192.0.2.7", banned: true, failures: 10, seconds: 900))
        #expect(topic == EventTopic.auth)
        #expect(type == "auth.ban")
        #expect(
            data == .object([
                "source": .string("192.0.2.7"), "banned": .bool(true), "failures": .int(10), "banSeconds": .int(900),
            ]))
    }
}
