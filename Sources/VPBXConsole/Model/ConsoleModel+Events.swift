import Foundation
import VPBXControl

/// What applying an event asks of the controller.
public enum EventOutcome: Sendable, Equatable {
    /// Already known, out of date, or of no interest: nothing to redraw.
    case unchanged
    /// Redraw.
    case changed
    /// The event only names the extension: fetch it (`extension.get`) and `upsert` it.
    case needsExtension(String)
    /// The event only names a queue or an agent: the session fetches fresh figures.
    case needsFetch
    /// The engine dropped this subscriber: take a fresh snapshot.
    case needsResync
}

extension ConsoleModel {
    /// Applies one engine event. Idempotent: events at or below the last applied `seq` are
    /// ignored, and every event carries the entity's whole new state, so replaying events
    /// that a snapshot already reflects changes nothing.
    public mutating func apply(_ event: RPCEvent) -> EventOutcome {
        if event.isOverflow { return .needsResync }
        guard event.seq > seq else { return .unchanged }
        seq = event.seq
        switch event.type {
        case "call.ended":
            guard let id = event.data["id"]?.stringValue else { return .unchanged }
            endedCalls.insert(id)
            confirmingCalls[id] = nil
            parkedCalls[id] = nil
            return calls.removeValue(forKey: id) == nil ? .unchanged : .changed
        case "call.parked":
            guard let id = event.data["id"]?.stringValue, !endedCalls.contains(id),
                let slot = event.data["slot"]?.intValue, let parker = event.data["parkedBy"]?.stringValue
            else { return .unchanged }
            parkedCalls[id] = ParkedSlot(slot: Int(slot), parkedBy: parker)
            return .changed
        case "call.unparked":
            guard let id = event.data["id"]?.stringValue else { return .unchanged }
            return parkedCalls.removeValue(forKey: id) == nil ? .unchanged : .changed
        case _ where event.topic == EventTopic.call:
            guard let call = try? RPCCoding.decode(CallInfo.self, from: event.data), !endedCalls.contains(call.id)
            else { return .unchanged }
            // A mobile asked to press 1 shows as such until the call's next event (its answer,
            // the desk phone's answer, the question's refusal...).
            let confirming = event.type == "call.confirming" ? event.data["extension"]?.stringValue : nil
            guard calls[call.id] != call || confirmingCalls[call.id] != confirming else { return .unchanged }
            calls[call.id] = call
            confirmingCalls[call.id] = confirming
            return .changed
        case "registration.added":
            guard let payload = try? RPCCoding.decode(RegistrationPayload.self, from: event.data),
                let expiresAt = payload.expiresAt
            else { return .unchanged }
            let registration = Registration(number: payload.extension, contact: payload.contact, expiresAt: expiresAt)
            return setRegistration(registration) ? .changed : .unchanged
        case "contact.reachability":
            guard let number = event.data["extension"]?.stringValue, let contact = event.data["contact"]?.stringValue,
                let status = event.data["status"]?.stringValue
            else { return .unchanged }
            let unreachable = status == "unreachable"
            if var registration = registrations[Registration.Key(number: number, contact: contact)] {
                guard registration.unreachable != unreachable else { return .unchanged }
                registration.unreachable = unreachable
                setRegistration(registration)
                return .changed
            }
            guard var info = extensions[number], info.staticContact == contact else { return .unchanged }
            let reachability: ContactReachability = unreachable ? .unreachable : .reachable
            guard info.staticContactReachability != reachability else { return .unchanged }
            info.staticContactReachability = reachability
            upsert(info)
            return .changed
        case "registration.removed":
            guard let payload = try? RPCCoding.decode(RegistrationPayload.self, from: event.data) else { return .unchanged }
            let key = Registration.Key(number: payload.extension, contact: payload.contact)
            return removeRegistration(key) ? .changed : .unchanged
        case "engine.draining":
            guard var status else { return .unchanged }
            let draining = event.data["draining"]?.stringValue
            let since = event.data["since"]?.stringValue.flatMap(RPCCoding.parseDate)
            guard status.draining != draining || status.drainingSince != since else { return .unchanged }
            status.draining = draining
            status.drainingSince = since
            self.status = status
            return .changed
        case "engine.overload":
            guard case .bool(let overloaded)? = event.data["overloaded"], var status else { return .unchanged }
            let refused = event.data["callsRefusedOverloaded"]?.intValue.map(Int.init)
            guard status.overloaded != overloaded || (refused != nil && status.callsRefusedOverloaded != refused) else {
                return .unchanged
            }
            status.overloaded = overloaded
            if let refused { status.callsRefusedOverloaded = refused }
            self.status = status
            return .changed
        case "extension.deleted":
            guard let number = event.data["number"]?.stringValue else { return .unchanged }
            return removeExtension(number) ? .changed : .unchanged
        case _ where Self.extensionToFetch(after: event) != nil:
            return .needsExtension(Self.extensionToFetch(after: event)!)
        case CallCenterEvents.queueChanged, CallCenterEvents.agentChanged:
            return Self.fetch(after: event) == nil ? .unchanged : .needsFetch
        default:
            return .unchanged
        }
    }
}

extension ConsoleModel {
    /// The extension whose new state must be fetched after `event`: extension events name
    /// the extension but do not carry it.
    public static func extensionToFetch(after event: RPCEvent) -> String? {
        guard event.type == "extension.created" || event.type == "extension.updated" else { return nil }
        return event.data["number"]?.stringValue
    }
}

/// The data of `registration.added` and `registration.removed`.
private struct RegistrationPayload: Decodable {
    var `extension`: String
    var contact: String
    var expiresAt: Date?
}
