import Foundation
import VPBXSIP
import VPBXStore

/// One registered contact of an extension.
public struct Binding: Sendable, Equatable {
    public var extensionNumber: String
    public var contact: SIPURI
    public var contactText: String
    public var expiresAt: Date
    public var callID: String
    public var cseq: UInt32
    /// Where REGISTER came from: requests to this contact go there (symmetric signalling for
    /// phones behind NAT, whose Contact often names a private address).
    public var source: SIPPeerAddress
    public var userAgent: String?
    public var registeredAt: Date
    /// The device's RFC 5626 instance and flow, when its Contact named one.
    var instance: DeviceInstance?
    /// The proxies the REGISTER came through (its Path, RFC 3327), in order: requests to the
    /// contact carry them as their Route. Empty when it came directly.
    var path: [NameAddress] = []
}

/// The in-memory registrar state; the store holds the durable copy.
struct BindingTable: Sendable {
    private(set) var byExtension: [String: [Binding]] = [:]
    /// How many bindings (expired ones not yet removed included) were registered on each TCP
    /// connection: the registrar holds a connection open while any is.
    private var bindingsByConnection: [UInt64: Int] = [:]
    /// The Path of each binding registered through proxies, by contact text: what requests to
    /// that contact take as their Route (``route(toContact:)``). Empty when no proxy is in
    /// front, which requests to contacts check first. (One contact text registered by two
    /// extensions through two Paths would share an entry: a device has one Contact per line.)
    private var pathByContact: [String: [NameAddress]] = [:]

    /// The Route for a request to the contact written `text`: its binding's Path.
    func route(toContact text: @autoclosure () -> String) -> [NameAddress] {
        pathByContact.isEmpty ? [] : pathByContact[text()] ?? []
    }

    /// Whether a binding still names the stream connection `id`.
    func isUsing(connection id: UInt64) -> Bool { bindingsByConnection[id] != nil }

    func bindings(for number: String, now: Date = Date()) -> [Binding] {
        (byExtension[number] ?? []).filter { $0.expiresAt > now }
    }

    var all: [Binding] { byExtension.values.flatMap { $0 } }

    /// Adds `binding`, or updates the extension's binding it registers again (``Binding/isSame(contact:instance:)``):
    /// a phone that registers its contact again with parameters reordered, a host's letters
    /// in another case, or from a new address under its RFC 5626 instance refreshes its
    /// binding instead of gaining a second one. Returns the bindings it replaced under
    /// another text (the store holds rows by that text): the one it updated when its text
    /// differed, and any other it also matched (a phone that added an instance to a contact
    /// it had registered without one, while the instance's binding was elsewhere).
    @discardableResult
    mutating func upsert(_ binding: Binding) -> [Binding] {
        var list = byExtension[binding.extensionNumber] ?? []
        var replaced: [Binding] = []
        if let index = list.firstIndex(where: { $0.isSame(contact: binding.contact, instance: binding.instance) }) {
            var updated = binding
            updated.registeredAt = list[index].registeredAt
            track(list[index], -1)
            if list[index].contactText != binding.contactText { replaced.append(list[index]) }
            list[index] = updated
            // No two bindings of an extension match one contact (each REGISTER merges them),
            // so a second match needs an instance: its binding and the contact's own.
            if binding.instance != nil {
                for extra in list.indices.reversed() where extra != index
                    && list[extra].isSame(contact: binding.contact, instance: binding.instance)
                {
                    track(list[extra], -1)
                    replaced.append(list.remove(at: extra))
                }
            }
        } else {
            list.append(binding)
        }
        track(binding, +1)
        byExtension[binding.extensionNumber] = list
        return replaced
    }

    /// The extension's bindings, expired or not, that a REGISTER's `contact` with its
    /// `instance` names (``Binding/isSame(contact:instance:)``).
    func bindings(of number: String, contact: SIPURI, instance: DeviceInstance?) -> [Binding] {
        byExtension[number]?.filter { $0.isSame(contact: contact, instance: instance) } ?? []
    }

    /// Removes the bindings a REGISTER's `contact` with its `instance` names; returns them.
    mutating func remove(_ number: String, contact: SIPURI, instance: DeviceInstance?) -> [Binding] {
        bindings(of: number, contact: contact, instance: instance).compactMap { remove(number, contactText: $0.contactText) }
    }

    mutating func remove(_ number: String, contactText: String) -> Binding? {
        guard var list = byExtension[number], let index = list.firstIndex(where: { $0.contactText == contactText }) else {
            return nil
        }
        let removed = list.remove(at: index)
        track(removed, -1)
        byExtension[number] = list.isEmpty ? nil : list
        return removed
    }

    /// Removes live contacts of `number` beyond `limit`, those that expire soonest first,
    /// never one in `keeping` (the contacts the REGISTER being handled named); returns them.
    mutating func trim(_ number: String, to limit: Int, keeping: Set<String>, now: Date) -> [Binding] {
        let live = bindings(for: number, now: now)
        guard live.count > limit else { return [] }
        let candidates = live.filter { !keeping.contains($0.contactText) }.sorted { $0.expiresAt < $1.expiresAt }
        var removed: [Binding] = []
        for binding in candidates.prefix(live.count - limit) {
            if let gone = remove(number, contactText: binding.contactText) { removed.append(gone) }
        }
        return removed
    }

    mutating func removeAll(_ number: String) -> [Binding] {
        let removed = byExtension.removeValue(forKey: number) ?? []
        for binding in removed { track(binding, -1) }
        return removed
    }

    mutating func removeExpired(now: Date) -> [Binding] {
        var expired: [Binding] = []
        for (number, list) in byExtension {
            let (dead, alive) = (list.filter { $0.expiresAt <= now }, list.filter { $0.expiresAt > now })
            expired += dead
            byExtension[number] = alive.isEmpty ? nil : alive
        }
        for binding in expired { track(binding, -1) }
        return expired
    }

    /// Keeps what is indexed by binding in step as `binding` comes (+1) or goes (-1): the
    /// count of its TCP connection and its Path.
    private mutating func track(_ binding: Binding, _ change: Int) {
        if !binding.path.isEmpty || !pathByContact.isEmpty {
            pathByContact[binding.contactText] = change > 0 && !binding.path.isEmpty ? binding.path : nil
        }
        guard let id = binding.source.connectionID else { return }
        let total = (bindingsByConnection[id] ?? 0) + change
        bindingsByConnection[id] = total > 0 ? total : nil
    }

    /// Re-creates a binding saved by an earlier run. Of two rows of one contact in two
    /// spellings, or of one device instance (older registrars matched contacts by their
    /// text), the one that lasts longer is kept; the others are returned, their rows stale.
    mutating func restore(_ record: RegistrationRecord) -> [Binding] {
        guard let contact = try? SIPURI(parsing: record.contactURI) else { return [] }
        let transport: SIPPeerAddress.Transport =
            switch record.transport {
            case .udp: .udp
            case .tcp: .tcp
            case .tls: .tls
            }
        let restored = Binding(
            extensionNumber: record.extensionNumber, contact: contact, contactText: record.contactURI,
            expiresAt: record.expiresAt, callID: record.callID, cseq: record.cseq,
            source: SIPPeerAddress(transport: transport, host: record.sourceHost, port: record.sourcePort),
            userAgent: record.userAgent, registeredAt: record.registeredAt,
            instance: DeviceInstance(stored: record.instanceID, registrationID: record.registrationID),
            path: record.path.flatMap { try? SIPHeaders([("Path", $0)]).routeSet("Path") } ?? [])
        let kept = bindings(of: record.extensionNumber, contact: contact, instance: restored.instance)
        if kept.contains(where: { $0.expiresAt >= restored.expiresAt }) { return [restored] }
        return upsert(restored)
    }
}

extension SIPPeerAddress.Transport {
    /// How a binding's transport is stored.
    var registration: RegistrationTransport {
        switch self {
        case .udp: .udp
        case .tcp: .tcp
        case .tls: .tls
        }
    }
}

extension Binding {
    var record: RegistrationRecord {
        RegistrationRecord(
            extensionNumber: extensionNumber, contactURI: contactText, expiresAt: expiresAt, callID: callID, cseq: cseq,
            transport: source.transport.registration, sourceHost: source.host, sourcePort: source.port,
            userAgent: userAgent, instanceID: instance?.text, registrationID: instance?.registrationID,
            path: path.isEmpty ? nil : path.map(\.serialized).joined(separator: ", "), registeredAt: registeredAt)
    }

    /// Whether a REGISTER's `contact` with its `instance` names this binding again: the same
    /// device instance and flow (RFC 5626 §6), whatever its Contact now; or the same contact
    /// by RFC 3261 §19.1.4's URI equality.
    func isSame(contact: SIPURI, instance: DeviceInstance?) -> Bool {
        if let instance, instance == self.instance { return true }
        return self.contact.isEquivalent(to: contact)
    }
}
