import Foundation
import Testing
import VPBXControl
@testable import VPBXPBX

@testable import VPBXEngine

/// Call and monitor events keep the shape clients read (docs/control-protocol.md, `CallInfo`
/// and `MonitorInfo`), and their data is canonical JSON: what JSONEncoder would write for the
/// same tree, keys sorted.
@Suite struct EventBridgeCallTests {
    static let started = Date(timeIntervalSince1970: 1_764_547_200.125)
    static let answered = Date(timeIntervalSince1970: 1_764_547_203.5)
    static let id = UUID(uuidString: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9")!

    static func call(answered: Bool, named: Bool) -> CallSnapshot {
        CallSnapshot(
            id: id, caller: "1001", callerName: named ? "Kovács \"Ödön\"" : nil, callee: "1002",
            state: answered ? .answered : .ringing, startedAt: started, heldBy: answered ? ["caller"] : [],
            answeredAt: answered ? Self.answered : nil, calleeContacts: ["sip:1002@192.0.2.9"])
    }

    static func callFields(answered: Bool, named: Bool) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "id": "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "caller": "1001", "callee": "1002",
            "state": answered ? "answered" : "ringing", "startedAt": .string(RPCCoding.formatDate(started)),
            "heldBy": answered ? ["caller"] : [],
        ]
        if named { fields["callerName"] = "Kovács \"Ödön\"" }
        if answered { fields["answeredAt"] = .string(RPCCoding.formatDate(Self.answered)) }
        return fields
    }

    private func expectCanonical(_ event: EncodedEvent) throws {
        let data = try event.decodedData()
        var canonical: [UInt8] = []
        try data.writeJSON(to: &canonical)
        #expect(event.data == canonical, "\(String(decoding: event.data, as: UTF8.self))")
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func callEventsCarryTheCallsFields(answered: Bool, named: Bool) throws {
        let call = Self.call(answered: answered, named: named)
        let fields = Self.callFields(answered: answered, named: named)
        let cases: [(PBXEvent, String, [String: JSONValue])] = [
            (.callStarted(call), "call.started", [:]),
            (.callRinging(call), "call.ringing", [:]),
            (.callAnswered(call), "call.answered", [:]),
            (.callConfirming(call, extensionNumber: "1003"), "call.confirming", ["extension": "1003"]),
            (.callHeld(call, by: "caller"), "call.held", ["by": "caller"]),
            (.callResumed(call, by: "callee"), "call.resumed", ["by": "callee"]),
            (.callTransferred(call, by: "callee"), "call.transferred", ["by": "callee"]),
            (.callTransferred(call, by: "caller"), "call.transferred", ["by": "caller"]),
            (.callEnded(call, disposition: "answered", cause: "caller_bye"), "call.ended", ["disposition": "answered", "cause": "caller_bye"]),
        ]
        for (pbxEvent, type, extra) in cases {
            let event = EventBridge.encode(pbxEvent)
            #expect(event.topic == EventTopic.call)
            #expect(event.type == type)
            #expect(try event.decodedData() == .object(fields.merging(extra) { $1 }))
            try expectCanonical(event)
        }
    }

    @Test func monitorEventsCarryTheMonitorsFields() throws {
        let monitor = MonitorSnapshot(
            id: Self.id, supervisor: "2001", target: "1002", callID: Self.id, mode: .whisper, startedAt: Self.started,
            answeredAt: Self.answered, rung: true)
        let fields: [String: JSONValue] = [
            "id": "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "supervisor": "2001", "extension": "1002",
            "call": "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "mode": "whisper",
            "startedAt": .string(RPCCoding.formatDate(Self.started)), "state": "active",
        ]
        let ended = EventBridge.encode(.monitorEnded(monitor, cause: "hangup"))
        #expect(ended.type == "monitor.ended")
        #expect(try ended.decodedData() == .object(fields.merging(["cause": "hangup"]) { $1 }))
        try expectCanonical(ended)
        let started = EventBridge.encode(.monitorStarted(monitor))
        #expect(try started.decodedData() == .object(fields))
        try expectCanonical(started)
    }

    @Test func registrationAndRoutingEventsAreCanonical() throws {
        let events: [PBXEvent] = [
            .registrationAdded(extensionNumber: "1001", contact: "sip:1001@192.0.2.7:5062", expiresAt: Self.started),
            .registrationRemoved(extensionNumber: "1001", contact: "sip:1001@192.0.2.7:5062", reason: "expired"),
            .contactReachability(extensionNumber: "1001", contact: "sip:1001@192.0.2.7", reachable: true, roundTripMilliseconds: 3),
            .callRouted(caller: "1001", dialled: "0", path: ["menu main", "queue sales"]),
            .overload(refusing: false, refusedTotal: 0),
        ]
        for event in events { try expectCanonical(EventBridge.encode(event)) }
        #expect(
            try EventBridge.encode(events[0]).decodedData()
                == .object([
                    "extension": "1001", "contact": "sip:1001@192.0.2.7:5062",
                    "expiresAt": .string(RPCCoding.formatDate(Self.started)),
                ]))
        #expect(
            try EventBridge.encode(events[3]).decodedData()
                == .object(["caller": "1001", "dialled": "0", "path": ["menu main", "queue sales"]]))
    }

    @Test func theSnapshotsCallsAreTheEventsCalls() throws {
        let calls = [Self.call(answered: true, named: true), Self.call(answered: false, named: false)]
        #expect(
            EventBridge.callsJSON(calls)
                == .array([
                    .object(Self.callFields(answered: true, named: true)), .object(Self.callFields(answered: false, named: false)),
                ]))
        #expect(EventBridge.callsJSON([]) == .array([]))
    }
}
