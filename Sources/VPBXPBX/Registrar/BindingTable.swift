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
}

/// The in-memory registrar state; the store holds the durable copy.
struct BindingTable: Sendable {
    private(set) var byExtension: [String: [Binding]] = [:]
    /// How many bindings (expired ones not yet removed included) were registered on each TCP
    /// connection: the registrar holds a connection open while any is.
    private var bindingsByConnection: [UInt64: Int] = [:]

    /// Whether a binding still names the stream connection `id`.
    func isUsing(connection id: UInt64) -> Bool { bindingsByConnection[id] != nil }

    func bindings(for number: String, now: Date = Date()) -> [Binding] {
        (byExtension[number] ?? []).filter { $0.expiresAt > now }
    }

    var all: [Binding] { byExtension.values.flatMap { $0 } }

    /// Adds `binding`, or updates the extension's binding of the same contact: the same by
    /// RFC 3261 §19.1.4's URI equality, not by text, so a phone that registers its contact
    /// again with parameters reordered or a host's letters in another case refreshes its
    /// binding instead of gaining a second one. Returns the binding replaced when its text
    /// differed (the store holds rows by that text).
    @discardableResult
    mutating func upsert(_ binding: Binding) -> Binding? {
        var list = byExtension[binding.extensionNumber] ?? []
        var renamed: Binding?
        if let index = list.firstIndex(where: { $0.contact.isEquivalent(to: binding.contact) }) {
            var updated = binding
            updated.registeredAt = list[index].registeredAt
            count(list[index], -1)
            if list[index].contactText != binding.contactText { renamed = list[index] }
            list[index] = updated
        } else {
            list.append(binding)
        }
        count(binding, +1)
        byExtension[binding.extensionNumber] = list
        return renamed
    }

    /// The extension's binding of `contact` (RFC 3261 §19.1.4 equality), expired or not.
    func binding(of number: String, contact: SIPURI) -> Binding? {
        byExtension[number]?.first { $0.contact.isEquivalent(to: contact) }
    }

    mutating func remove(_ number: String, contact: SIPURI) -> Binding? {
        guard let text = binding(of: number, contact: contact)?.contactText else { return nil }
        return remove(number, contactText: text)
    }

    mutating func remove(_ number: String, contactText: String) -> Binding? {
        guard var list = byExtension[number], let index = list.firstIndex(where: { $0.contactText == contactText }) else {
            return nil
        }
        let removed = list.remove(at: index)
        count(removed, -1)
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
        for binding in removed { count(binding, -1) }
        return removed
    }

    mutating func removeExpired(now: Date) -> [Binding] {
        var expired: [Binding] = []
        for (number, list) in byExtension {
            let (dead, alive) = (list.filter { $0.expiresAt <= now }, list.filter { $0.expiresAt > now })
            expired += dead
            byExtension[number] = alive.isEmpty ? nil : alive
        }
        for binding in expired { count(binding, -1) }
        return expired
    }

    private mutating func count(_ binding: Binding, _ change: Int) {
        guard let id = binding.source.connectionID else { return }
        let total = (bindingsByConnection[id] ?? 0) + change
        bindingsByConnection[id] = total > 0 ? total : nil
    }

    /// Re-creates a binding saved by an earlier run. Of two rows of one contact in two
    /// spellings (an older registrar matched contacts by their text) the one that lasts
    /// longer is kept; the other is returned, its row stale.
    mutating func restore(_ record: RegistrationRecord) -> Binding? {
        guard let contact = try? SIPURI(parsing: record.contactURI) else { return nil }
        let transport: SIPPeerAddress.Transport = record.transport == .udp ? .udp : .tcp
        let restored = Binding(
            extensionNumber: record.extensionNumber, contact: contact, contactText: record.contactURI,
            expiresAt: record.expiresAt, callID: record.callID, cseq: record.cseq,
            source: SIPPeerAddress(transport: transport, host: record.sourceHost, port: record.sourcePort),
            userAgent: record.userAgent, registeredAt: record.registeredAt)
        if let kept = binding(of: record.extensionNumber, contact: contact), kept.expiresAt >= restored.expiresAt {
            return restored
        }
        return upsert(restored)
    }
}

extension Binding {
    var record: RegistrationRecord {
        RegistrationRecord(
            extensionNumber: extensionNumber, contactURI: contactText, expiresAt: expiresAt, callID: callID, cseq: cseq,
            transport: source.transport == .udp ? .udp : .tcp, sourceHost: source.host, sourcePort: source.port,
            userAgent: userAgent, instanceID: nil, registeredAt: registeredAt)
    }
}
