import Foundation
import Synchronization
import VPBXControl
import VPBXPBX
import VPBXText

/// Forwards core events to the control socket's hub in order: one consumer task, so the `seq`
/// numbers follow the order in which things happened.
///
/// Events wait in a list the consumer takes whole, and the consumer is woken only when it
/// has gone idle: the events a core batch emits (a call's start, ringing and routing arrive
/// together) cost one wake-up and one hop to the hub between them. Woken and hopped once per
/// event, they cost an engine at 1,000 calls/s about 130 µs a call as soon as anybody
/// subscribed (docs/performance.md, stop 36). After publishing, the consumer waits
/// ``linger`` before it counts as idle, so under load it is woken by its own timer a couple
/// of hundred times a second instead of by nearly every batch of the core (the wake-up was
/// 4.6 % of the engine's samples at 2,000 calls/s with one subscriber; stop 37).
final class EventBridge: Sendable {
    private let mailbox = Mailbox()
    private let wakeUps: AsyncStream<Void>.Continuation
    private let consumer: Task<Void, Never>
    private let hub: EventHub

    /// How long the consumer waits for more events after publishing, before it counts as
    /// idle. An event waits at most this long while events keep coming (the control
    /// connection then waits up to ``EventHub/linger`` more to write it); the first after a
    /// quiet spell goes at once.
    static let linger = Duration.milliseconds(5)

    init(hub: EventHub) {
        self.hub = hub
        let (stream, wakeUps) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wakeUps = wakeUps
        let mailbox = self.mailbox
        self.consumer = Task {
            for await _ in stream {
                while let events = mailbox.take() {
                    _ = await hub.publish(events.map(EventBridge.encode))
                    // Not idle yet: what the next few milliseconds bring joins one list
                    // instead of waking this task again for each batch of the core.
                    try? await Task.sleep(for: EventBridge.linger)
                }
            }
        }
    }

    /// The events not yet taken by the consumer, and whether it waits for a wake-up.
    private final class Mailbox: Sendable {
        private struct State {
            var events: [PBXEvent] = []
            var consumerIdle = true
            var finished = false
        }

        private let state = Mutex(State())

        /// Adds `event`; true when the consumer is idle and must be woken.
        func put(_ event: PBXEvent) -> Bool {
            state.withLock { state in
                guard !state.finished else { return false }
                state.events.append(event)
                defer { state.consumerIdle = false }
                return state.consumerIdle
            }
        }

        /// Everything waiting, or nil (the consumer then counts as idle) when nothing is.
        func take() -> [PBXEvent]? {
            state.withLock { state in
                guard !state.events.isEmpty else {
                    state.consumerIdle = true
                    return nil
                }
                defer { state.events.removeAll(keepingCapacity: true) }
                return state.events
            }
        }

        /// No more events are taken in.
        func close() {
            state.withLock { $0.finished = true }
        }
    }

    /// Whether any control client subscribed to events.
    var isWanted: Bool { hub.hasSubscribers }

    /// Nobody subscribed: the event is dropped here, before it costs a hop and its JSON. A
    /// later subscriber's snapshot, read from the core afterwards, includes what it said.
    func forward(_ event: PBXEvent) {
        guard isWanted else { return }
        if mailbox.put(event) { wakeUps.yield() }
    }

    /// Publishes what is waiting, then stops.
    func finish() async {
        mailbox.close()
        wakeUps.yield()
        wakeUps.finish()
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
