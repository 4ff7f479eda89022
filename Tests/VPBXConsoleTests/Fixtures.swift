import Foundation
import VPBXConsole
import VPBXControl

/// Building blocks for the console tests: a fixed clock, extensions, calls and events.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static let status = EngineStatus.Result(
        engineVersion: "0.9.1", startedAt: now.addingTimeInterval(-3723), uptimeSeconds: 3723,
        sipListen: ["udp:127.0.0.1:5060"], extensions: 3, registrations: 2, activeCalls: 1)

    static let kovacs = ExtensionInfo(number: "1001", name: "Kovács Ödön", kind: .desk)
    static let szabo = ExtensionInfo(number: "1002", name: "Szabó Erzsébet", kind: .desk)
    static let toth = ExtensionInfo(number: "1003", name: "Tóth Győző", kind: .agent)

    static func registration(_ number: String, expiresIn seconds: TimeInterval = 300) -> Registration {
        Registration(number: number, contact: "sip:\(number)@10.0.0.\(number.suffix(1)):5060", expiresAt: now + seconds)
    }

    static func call(
        _ id: String = "c1", from caller: String = "1001", to callee: String = "1002", state: CallState = .answered,
        startedSecondsAgo: TimeInterval = 95, answeredSecondsAgo: TimeInterval? = 83
    ) -> CallInfo {
        CallInfo(
            id: id, caller: caller, callee: callee, state: state, startedAt: now - startedSecondsAgo,
            answeredAt: answeredSecondsAgo.map { now - $0 })
    }

    static func snapshot(seq: UInt64 = 10, calls: [CallInfo] = [call()]) -> ConsoleSnapshot {
        ConsoleSnapshot(
            seq: seq, status: status, extensions: [kovacs, szabo, toth],
            registrations: [registration("1001"), registration("1002")], calls: calls)
    }

    static func model(calls: [CallInfo] = [call()]) -> ConsoleModel {
        var model = ConsoleModel()
        model.load(snapshot(calls: calls))
        return model
    }

    static func callEvent(_ seq: UInt64, _ type: String, _ call: CallInfo) -> RPCEvent {
        RPCEvent(seq: seq, topic: "call", type: type, data: try! RPCCoding.jsonValue(call))
    }

    /// `call.confirming`: the call's fields and the extension whose mobile is asked to press 1.
    static func confirmingEvent(_ seq: UInt64, _ call: CallInfo, extension number: String) -> RPCEvent {
        guard case .object(var fields) = try! RPCCoding.jsonValue(call) else { fatalError("a call is an object") }
        fields["extension"] = .string(number)
        return RPCEvent(seq: seq, topic: "call", type: "call.confirming", data: .object(fields))
    }

    static func registrationEvent(_ seq: UInt64, _ type: String, _ number: String, contact: String) -> RPCEvent {
        RPCEvent(
            seq: seq, topic: "registration", type: type,
            data: [
                "extension": .string(number), "contact": .string(contact),
                "expiresAt": .string(RPCCoding.formatDate(now + 300)),
            ])
    }
}
