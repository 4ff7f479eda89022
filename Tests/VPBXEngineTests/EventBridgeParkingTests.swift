import Foundation
import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// Parking reaches control clients and webhooks as `call.parked` and `call.unparked` on the
/// `call` topic, with the fields `call.parked` lists (docs/control-protocol.md).
@Suite struct EventBridgeParkingTests {
    let parked = ParkingLot.ParkedCall(
        slot: 3, callID: UUID(uuidString: "01A251F2-D344-71F1-A8ED-F246AD0FAB7E")!, applicationCallID: "app-1",
        caller: "06301234567", callerName: "Kovács Béla", parker: "1002",
        since: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func aParkedCallBecomesCallParked() throws {
        let event = EventBridge.encode(.callParked(parked))
        #expect(event.topic == EventTopic.call)
        #expect(event.type == "call.parked")
        guard case .object(var fields) = try event.decodedData(), case .string(let since) = fields["since"] else {
            Issue.record("not an object with a since")
            return
        }
        #expect(since.hasPrefix("2027-01-15T08:00:00"), "\(since)")
        fields["since"] = nil
        #expect(
            fields == [
                "slot": .int(3), "id": .string("01a251f2-d344-71f1-a8ed-f246ad0fab7e"),
                "caller": .string("06301234567"),
                "callerName": .string("Kovács Béla"), "parkedBy": .string("1002"),
            ])
    }

    @Test func aCallLeavingItsSlotSaysWhy() throws {
        let event = EventBridge.encode(.callUnparked(parked, reason: .timeout))
        #expect(event.topic == EventTopic.call)
        #expect(event.type == "call.unparked")
        guard case .object(let fields) = try event.decodedData() else {
            Issue.record("not an object")
            return
        }
        #expect(fields["reason"] == .string("timeout") && fields["slot"] == .int(3))
    }
}
