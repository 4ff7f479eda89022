import Foundation
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Contact checks (Asterisk's qualify): for an extension with `qualifySeconds` set, the core
/// sends OPTIONS to each of its contacts (registered ones and the static contact) that often.
/// Any answer makes the contact reachable, with its round-trip time; none within
/// `contactCheckTimeout` (3 s) makes it unreachable, and an unreachable contact is not rung (a call to
/// an extension whose contacts are all unreachable gets 480 at once instead of ringing into
/// the void for the whole no-answer time). A phone that registers again is rung again.
/// Changes are logged and sent as `contact.reachability` events; `vpbx ext show` lists them.
extension PBXCore {
    /// (Re)starts the checks of `record`'s contacts, the first after `delay`; stops them when
    /// it asks for none.
    func scheduleQualify(_ record: ExtensionRecord, firstAfter delay: Duration) {
        let generation = (qualifyGenerations[record.number] ?? 0) + 1
        qualifyGenerations[record.number] = generation
        guard isChecked(record) else {
            reachability.forget(record.number)
            return
        }
        schedule(.qualify(record.number, generation: generation), after: delay)
    }

    /// The extension is gone: no more checks, nothing kept.
    func stopQualify(_ number: String) {
        qualifyGenerations[number] = nil
        reachability.forget(number)
    }

    /// A check round of `number` is due (timers of a replaced schedule find another
    /// generation and do nothing).
    func qualifyDue(_ number: String, generation: Int) {
        if number.hasPrefix(Self.trunkCheckPrefix) { return trunkCheckDue(number, generation: generation) }
        guard qualifyGenerations[number] == generation, let record = directory[number], isChecked(record) else { return }
        schedule(.qualify(number, generation: generation), after: .seconds(record.qualifySeconds))
        let targets = allContacts(of: record, now: Date())
        reachability.forget(number, keeping: Set(targets.map(\.text)))
        for target in targets {
            probe(ContactReachability.Key(extensionNumber: number, contact: target.text), uri: target.uri, at: target.destination)
        }
    }

    /// A contact registered for the first time is checked at once when its extension asks for
    /// checks (as Asterisk qualifies a new contact), not only at the next round.
    func checkNewContact(_ binding: Binding) {
        guard let record = directory[binding.extensionNumber], isChecked(record) else { return }
        probe(
            ContactReachability.Key(extensionNumber: binding.extensionNumber, contact: binding.contactText),
            uri: binding.contact, at: destination(of: binding))
    }

    /// Checks every contact of `number` now, whether or not it asks for regular checks
    /// (`vpbx ext check`, Asterisk's `pjsip qualify`); false when there is no such extension.
    /// Read the outcome with ``contactCheckResults(of:)`` once ``contactChecksPending(of:)``
    /// is false.
    public func checkContactsNow(of number: String) -> Bool {
        guard let record = directory[number] else { return false }
        for target in allContacts(of: record, now: Date()) {
            probe(ContactReachability.Key(extensionNumber: number, contact: target.text), uri: target.uri, at: target.destination)
        }
        return true
    }

    /// Whether a check of one of `number`'s contacts still waits for its answer or timeout.
    public func contactChecksPending(of number: String) -> Bool {
        guard let record = directory[number] else { return false }
        return allContacts(of: record, now: Date()).contains {
            reachability.isProbing(ContactReachability.Key(extensionNumber: number, contact: $0.text))
        }
    }

    /// The outcome of ``checkContactsNow(of:)``. For an extension without regular checks it
    /// is only shown: it is forgotten here, so it neither decides whether a contact is rung
    /// nor shows in lists and events (which would then disagree with the ringing).
    public func contactCheckResults(of number: String) -> [ContactStatus] {
        guard let record = directory[number] else { return [] }
        let results = allContacts(of: record, now: Date()).map {
            contactStatus(of: record, contact: $0.text, registered: $0.registered, checked: true)
        }
        if !isChecked(record), !contactChecksPending(of: number) { reachability.forget(number) }
        return results
    }

    func isChecked(_ record: ExtensionRecord) -> Bool { record.enabled && record.qualifySeconds > 0 }

    /// How long a contact check waits for its answer.
    public nonisolated var contactCheckTimeout: Duration { configuration.contactCheckTimeout }

    func probe(_ key: ContactReachability.Key, uri: SIPURI, at destination: SIPPeerAddress) {
        guard let probe = reachability.startProbe(key, at: .now) else { return }
        var headers = SIPHeaders()
        headers.add("Via", newVia(for: destination).serialized)
        headers.add("Max-Forwards", "70")
        let from = NameAddress(
            uri: SIPURI(user: "vpbx", host: configuration.advertisedHost),
            parameters: [SIPParameter(name: "tag", value: SIPIdentifiers.tag())])
        headers.add("From", from.serialized)
        headers.add("To", NameAddress(uri: uri).serialized)
        headers.add("Call-ID", SIPIdentifiers.callID(host: configuration.advertisedHost))
        headers.add("CSeq", CSeq(1, .options).description)
        headers.add("Accept", "application/sdp")
        headers.add("User-Agent", configuration.userAgent)
        addPathRoute(toContact: key.contact, to: &headers)
        startClient(
            SIPRequest(method: .options, uri: uri, headers: headers), to: destination,
            purpose: .qualify(key, probe: probe))
        schedule(.qualifyTimeout(key, probe: probe), after: configuration.contactCheckTimeout)
    }

    /// A final answer to a check. 408 is what the transaction reports when it gives up (32 s
    /// after the check's own timeout): not an answer.
    func qualifyResponse(_ response: SIPResponse, key: ContactReachability.Key, probe: Int) {
        guard response.statusCode >= 200 else { return }
        guard response.statusCode != 408 else {
            qualifyTimedOut(key, probe: probe)
            return
        }
        let now = Date()
        let change = reachability.answered(key, probe: probe, at: .now, date: now) ?? reachability.lateAnswer(key, date: now)
        report(change, of: key)
    }

    func qualifyTimedOut(_ key: ContactReachability.Key, probe: Int) {
        report(reachability.timedOut(key, probe: probe, date: Date()), of: key)
    }

    private func report(_ change: ContactReachability.Change?, of key: ContactReachability.Key) {
        if key.extensionNumber.hasPrefix(Self.trunkCheckPrefix) { return reportTrunkCheck(change, of: key) }
        // An on-demand check of an extension without regular checks is only shown.
        guard let record = directory[key.extensionNumber], isChecked(record) else { return }
        switch change {
        case nil:
            return
        case .becameReachable(let roundTrip):
            let milliseconds = roundTrip.map { Int($0.milliseconds) }
            logger.notice(
                "contact reachable",
                metadata: [
                    "extension": "\(key.extensionNumber)", "contact": "\(key.contact)",
                    "rtt_ms": "\(milliseconds.map(String.init) ?? "late")",
                ])
            emit(.contactReachability(
                extensionNumber: key.extensionNumber, contact: key.contact, reachable: true,
                roundTripMilliseconds: milliseconds))
        case .becameUnreachable:
            logger.warning(
                "contact unreachable: no answer to OPTIONS; not rung until it answers or registers again",
                metadata: ["extension": "\(key.extensionNumber)", "contact": "\(key.contact)"])
            emit(.contactReachability(
                extensionNumber: key.extensionNumber, contact: key.contact, reachable: false, roundTripMilliseconds: nil))
        }
    }

    /// The contacts of `number` and what the checks know of them, for `extension.get`.
    public func contactStatuses(of number: String) -> [ContactStatus] {
        guard let record = directory[number] else { return [] }
        return allContacts(of: record, now: Date()).map {
            contactStatus(of: record, contact: $0.text, registered: $0.registered)
        }
    }

    /// What the checks know of each checked extension's static contact, by extension number,
    /// for `extension.list` (a console shows an extension whose static contact is unreachable
    /// offline).
    public func staticContactReachability() -> [String: ContactStatus.Reachability] {
        var result: [String: ContactStatus.Reachability] = [:]
        for record in directory.byNumber.values where isChecked(record) {
            guard let contact = record.staticContact else { continue }
            result[record.number] = contactStatus(of: record, contact: contact, registered: false).reachability
        }
        return result
    }

    /// The live registrations (of `number`, or all) with what the checks know of each, for
    /// `registration.list`.
    public func registrationStatuses(extension number: String? = nil) -> [(binding: Binding, status: ContactStatus)] {
        registrations(extension: number).map { binding in
            let status = directory[binding.extensionNumber].map {
                contactStatus(of: $0, contact: binding.contactText, registered: true)
            }
            return (binding, status ?? ContactStatus(contact: binding.contactText, registered: true, reachability: .unchecked))
        }
    }

    private func contactStatus(
        of record: ExtensionRecord, contact: String, registered: Bool, checked: Bool? = nil
    ) -> ContactStatus {
        guard checked ?? isChecked(record) else {
            return ContactStatus(contact: contact, registered: registered, reachability: .unchecked)
        }
        switch reachability.status(of: ContactReachability.Key(extensionNumber: record.number, contact: contact)) {
        case .unknown:
            return ContactStatus(contact: contact, registered: registered, reachability: .unknown)
        case .reachable(let roundTrip, let since):
            return ContactStatus(
                contact: contact, registered: registered, reachability: .reachable,
                roundTripMilliseconds: roundTrip.map { Int($0.milliseconds) }, since: since)
        case .unreachable(let since):
            return ContactStatus(contact: contact, registered: registered, reachability: .unreachable, since: since)
        }
    }
}
