import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// The core's overload episodes reach control clients as `engine.overload` on the `engine`
/// topic, in the shape `vpbx-tui` reads (docs/control-protocol.md).
@Suite struct EventBridgeOverloadTests {
    @Test func overloadBecomesAnEngineEvent() throws {
        let event = EventBridge.encode(.overload(refusing: true, refusedTotal: 12))
        #expect(event.topic == EventTopic.engine)
        #expect(event.type == "engine.overload")
        #expect(try event.decodedData() == .object(["overloaded": .bool(true), "callsRefusedOverloaded": .int(12)]))
    }
}
