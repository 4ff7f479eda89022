import Foundation
import VPBXControl
import VPBXPBX
import VPBXText

/// Forwards core events to the control socket's hub in order: one consumer task, so the `seq`
/// numbers follow the order in which things happened.
final class EventBridge: Sendable {
    private let continuation: AsyncStream<PBXEvent>.Continuation
    private let consumer: Task<Void, Never>
    private let hub: EventHub

    init(hub: EventHub) {
        self.hub = hub
        let (stream, continuation) = AsyncStream<PBXEvent>.makeStream()
        self.continuation = continuation
        self.consumer = Task {
            for await event in stream {
                let (topic, type, data) = EventBridge.encode(event)
                _ = await hub.publish(topic: topic, type: type, data: data)
            }
        }
    }

    /// Whether any control client subscribed to events.
    var isWanted: Bool { hub.hasSubscribers }

    /// Nobody subscribed: the event is dropped here, before it costs a hop and its JSON. A
    /// later subscriber's snapshot, read from the core afterwards, includes what it said.
    func forward(_ event: PBXEvent) {
        guard isWanted else { return }
        continuation.yield(event)
    }

    func finish() async {
        continuation.finish()
        await consumer.value
    }

    static func encode(_ event: PBXEvent) -> (String, String, JSONValue) {
        switch event {
        case .registrationAdded(let number, let contact, let expiresAt):
            return ("registration", "registration.added", .object([
                "extension": .string(number), "contact": .string(contact), "expiresAt": .string(RPCCoding.formatDate(expiresAt)),
            ]))
        case .registrationRemoved(let number, let contact, let reason):
            return ("registration", "registration.removed", .object([
                "extension": .string(number), "contact": .string(contact), "reason": .string(reason),
            ]))
        case .contactReachability(let number, let contact, let reachable, let roundTrip):
            var fields: [String: JSONValue] = [
                "extension": .string(number), "contact": .string(contact),
                "status": .string(reachable ? "reachable" : "unreachable"),
            ]
            if let roundTrip { fields["rttMs"] = .int(Int64(roundTrip)) }
            return ("registration", "contact.reachability", .object(fields))
        case .callRouted(let caller, let dialled, let path):
            return ("call", "call.routed", .object([
                "caller": .string(caller), "dialled": .string(dialled), "path": .array(path.map(JSONValue.string)),
            ]))
        case .callStarted(let call): return ("call", "call.started", callJSON(call))
        case .callRinging(let call): return ("call", "call.ringing", callJSON(call))
        case .callAnswered(let call): return ("call", "call.answered", callJSON(call))
        case .callHeld(let call, let party): return ("call", "call.held", withField(callJSON(call), "by", .string(party)))
        case .callResumed(let call, let party):
            return ("call", "call.resumed", withField(callJSON(call), "by", .string(party)))
        case .callEnded(let call, let disposition, let cause):
            var json = callJSON(call)
            if case .object(var fields) = json {
                fields["disposition"] = .string(disposition)
                fields["cause"] = .string(cause)
                json = .object(fields)
            }
            return ("call", "call.ended", json)
        case .monitorStarted(let monitor): return ("call", "monitor.started", monitorJSON(monitor))
        case .monitorChanged(let monitor): return ("call", "monitor.changed", monitorJSON(monitor))
        case .monitorEnded(let monitor, let cause):
            return ("call", "monitor.ended", withField(monitorJSON(monitor), "cause", .string(cause)))
        case .overload(let refusing, let refusedTotal):
            return (EventTopic.engine, "engine.overload", .object([
                "overloaded": .bool(refusing), "callsRefusedOverloaded": .int(Int64(refusedTotal)),
            ]))
        case .sourceBanned(let source, let failures, let seconds):
            return (EventTopic.ban, "ban.added", .object([
                "source": .string(source), "failures": .int(Int64(failures)), "banSeconds": .int(Int64(seconds)),
            ]))
        case .sourceBanEnded(let source, let reason):
            return (EventTopic.ban, "ban.removed", .object(["source": .string(source), "reason": .string(reason)]))
        }
    }

    /// The fields of ``MonitorInfo``.
    static func monitorJSON(_ monitor: MonitorSnapshot) -> JSONValue {
        .object([
            "id": .string(monitor.id.lowercaseText), "supervisor": .string(monitor.supervisor),
            "extension": .string(monitor.target), "call": .string(monitor.callID.lowercaseText),
            "mode": .string(monitor.mode.rawValue), "startedAt": .string(RPCCoding.formatDate(monitor.startedAt)),
            "state": .string(monitor.answeredAt == nil ? "ringing" : "active"),
        ])
    }

    static func callJSON(_ call: CallSnapshot) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(call.id.lowercaseText), "caller": .string(call.caller), "callee": .string(call.callee),
            "state": .string(call.state.rawValue), "startedAt": .string(RPCCoding.formatDate(call.startedAt)),
        ]
        if let name = call.callerName { fields["callerName"] = .string(name) }
        if let answeredAt = call.answeredAt { fields["answeredAt"] = .string(RPCCoding.formatDate(answeredAt)) }
        fields["heldBy"] = .array(call.heldBy.map(JSONValue.string))
        return .object(fields)
    }

    private static func withField(_ json: JSONValue, _ name: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        fields[name] = value
        return .object(fields)
    }
}

/// What a (re)connecting client needs to draw the current state before applying events.
enum EngineSnapshot {
    static func make(pbx: PBXCore) async -> JSONValue {
        let calls = await pbx.callSnapshots().map(EventBridge.callJSON)
        let registrations = await pbx.registrations().map { binding -> JSONValue in
            .object([
                "extension": .string(binding.extensionNumber), "contact": .string(binding.contactText),
                "expiresAt": .string(RPCCoding.formatDate(binding.expiresAt)),
            ])
        }
        return .object(["calls": .array(calls), "registrations": .array(registrations)])
    }
}
