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

    /// The event's topic, type and data, the data written as JSON directly (members in key
    /// order, as ``JSONObjectWriter`` requires).
    static func encode(_ event: PBXEvent) -> EncodedEvent {
        var data = JSONObjectWriter()
        let topic: String
        let type: String
        switch event {
        case .registrationAdded(let number, let contact, let expiresAt):
            (topic, type) = (EventTopic.registration, "registration.added")
            data.string("contact", contact)
            data.date("expiresAt", expiresAt)
            data.string("extension", number)
        case .registrationRemoved(let number, let contact, let reason):
            (topic, type) = (EventTopic.registration, "registration.removed")
            data.string("contact", contact)
            data.string("extension", number)
            data.string("reason", reason)
        case .contactReachability(let number, let contact, let reachable, let roundTrip):
            (topic, type) = (EventTopic.registration, "contact.reachability")
            data.string("contact", contact)
            data.string("extension", number)
            if let roundTrip { data.int("rttMs", roundTrip) }
            data.string("status", reachable ? "reachable" : "unreachable")
        case .callRouted(let caller, let dialled, let path):
            (topic, type) = (EventTopic.call, "call.routed")
            data.string("caller", caller)
            data.string("dialled", dialled)
            data.strings("path", path)
        case .callStarted(let call):
            (topic, type) = (EventTopic.call, "call.started")
            writeCall(call, to: &data)
        case .callRinging(let call):
            (topic, type) = (EventTopic.call, "call.ringing")
            writeCall(call, to: &data)
        case .callAnswered(let call):
            (topic, type) = (EventTopic.call, "call.answered")
            writeCall(call, to: &data)
        case .callConfirming(let call, let extensionNumber):
            (topic, type) = (EventTopic.call, "call.confirming")
            writeCall(call, confirming: extensionNumber, to: &data)
        case .callHeld(let call, let party):
            (topic, type) = (EventTopic.call, "call.held")
            writeCall(call, by: party, to: &data)
        case .callResumed(let call, let party):
            (topic, type) = (EventTopic.call, "call.resumed")
            writeCall(call, by: party, to: &data)
        case .callTransferred(let call, let party):
            (topic, type) = (EventTopic.call, "call.transferred")
            writeCall(call, by: party, to: &data)
        case .callEnded(let call, let disposition, let cause):
            (topic, type) = (EventTopic.call, "call.ended")
            writeCall(call, ending: (disposition, cause), to: &data)
        case .callParked(let parked):
            (topic, type) = (EventTopic.call, "call.parked")
            writeParked(parked, to: &data)
        case .callUnparked(let parked, let reason):
            (topic, type) = (EventTopic.call, "call.unparked")
            writeParked(parked, reason: reason, to: &data)
        case .monitorStarted(let monitor):
            (topic, type) = (EventTopic.call, "monitor.started")
            writeMonitor(monitor, to: &data)
        case .monitorChanged(let monitor):
            (topic, type) = (EventTopic.call, "monitor.changed")
            writeMonitor(monitor, to: &data)
        case .monitorEnded(let monitor, let cause):
            (topic, type) = (EventTopic.call, "monitor.ended")
            writeMonitor(monitor, cause: cause, to: &data)
        case .overload(let refusing, let refusedTotal):
            (topic, type) = (EventTopic.engine, "engine.overload")
            data.int("callsRefusedOverloaded", refusedTotal)
            data.bool("overloaded", refusing)
        case .sourceBanned(let source, let failures, let seconds):
            (topic, type) = (EventTopic.ban, "ban.added")
            data.int("banSeconds", seconds)
            data.int("failures", failures)
            data.string("source", source)
        case .sourceBanEnded(let source, let reason):
            (topic, type) = (EventTopic.ban, "ban.removed")
            data.string("reason", reason)
            data.string("source", source)
        case .trunkRegistration(let trunk, let state):
            (topic, type) = (EventTopic.trunk, "trunk.registration")
            switch state {
            case .registering:
                data.string("state", "registering")
                data.string("trunk", trunk)
            case .registered(let until):
                data.string("state", "registered")
                data.string("trunk", trunk)
                data.date("until", until)
            case .failed(let reason, _):
                data.string("error", reason)
                data.string("state", "failed")
                data.string("trunk", trunk)
            }
        case .trunkReachability(let trunk, let reachable, let roundTrip):
            (topic, type) = (EventTopic.trunk, "trunk.reachability")
            if let roundTrip { data.int("rttMs", roundTrip) }
            data.string("status", reachable ? "reachable" : "unreachable")
            data.string("trunk", trunk)
        }
        return EncodedEvent(topic: topic, type: type, data: data.finish())
    }

    /// A parked call as `call.parked` lists it (``ParkedCallInfo``), and why it left.
    private static func writeParked(
        _ parked: ParkingLot.ParkedCall, reason: ParkingLot.Departure? = nil, to data: inout JSONObjectWriter
    ) {
        data.string("caller", parked.caller)
        if let name = parked.callerName { data.string("callerName", name) }
        data.string("id", parked.callID.lowercaseText)
        data.string("parkedBy", parked.parker)
        if let reason { data.string("reason", reason.rawValue) }
        data.date("since", parked.since)
        data.int("slot", parked.slot)
    }

    /// The fields of ``MonitorInfo``, and the cause of an ended monitor.
    private static func writeMonitor(_ monitor: MonitorSnapshot, cause: String? = nil, to data: inout JSONObjectWriter) {
        data.string("call", monitor.callID.lowercaseText)
        data.string("cause", ifPresent: cause)
        data.string("extension", monitor.target)
        data.string("id", monitor.id.lowercaseText)
        data.string("mode", monitor.mode.rawValue)
        data.date("startedAt", monitor.startedAt)
        data.string("state", monitor.answeredAt == nil ? "ringing" : "active")
        data.string("supervisor", monitor.supervisor)
    }

    /// A call's fields (those of ``CallInfo`` in snapshots), with the party of a hold or
    /// resume, the disposition and cause of an ended call, or the extension whose mobile is
    /// asked to confirm it.
    static func writeCall(
        _ call: CallSnapshot, by party: String? = nil, ending: (disposition: String, cause: String)? = nil,
        confirming extensionNumber: String? = nil, to data: inout JSONObjectWriter
    ) {
        data.date("answeredAt", ifPresent: call.answeredAt)
        data.string("by", ifPresent: party)
        data.string("callee", call.callee)
        data.string("caller", call.caller)
        data.string("callerName", ifPresent: call.callerName)
        data.string("cause", ifPresent: ending?.cause)
        data.string("disposition", ifPresent: ending?.disposition)
        data.string("extension", ifPresent: extensionNumber)
        data.strings("heldBy", call.heldBy)
        data.string("id", call.id.lowercaseText)
        data.date("startedAt", call.startedAt)
        data.string("state", call.state.rawValue)
    }

    /// The calls as the snapshot's array: written as events are, read back once.
    static func callsJSON(_ calls: [CallSnapshot]) -> JSONValue {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, call) in calls.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var data = JSONObjectWriter()
            writeCall(call, to: &data)
            bytes.append(contentsOf: data.finish())
        }
        bytes.append(UInt8(ascii: "]"))
        return (try? RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(bytes))) ?? .array([])
    }
}

/// What a (re)connecting client needs to draw the current state before applying events.
enum EngineSnapshot {
    static func make(pbx: PBXCore) async -> JSONValue {
        let calls = EventBridge.callsJSON(await pbx.callSnapshots())
        let registrations = await pbx.registrations().map { binding -> JSONValue in
            .object([
                "extension": .string(binding.extensionNumber), "contact": .string(binding.contactText),
                "expiresAt": .string(RPCCoding.formatDate(binding.expiresAt)),
            ])
        }
        return .object(["calls": calls, "registrations": .array(registrations)])
    }
}
