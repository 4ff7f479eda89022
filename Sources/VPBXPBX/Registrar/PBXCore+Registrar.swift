import Foundation
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// REGISTER handling (RFC 3261 §10.3): digest authentication, several contacts per extension,
/// Expires bounds with 423, unregister by contact or `*`, bindings persisted so they survive a
/// restart.
extension PBXCore {
    /// How much longer than its registration a phone's TCP connection is held open: a refresh
    /// sent at the last moment, or resent, still finds it.
    static let connectionHoldMargin = Duration.seconds(60)

    func register(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        guard let to = try? request.headers.to(), let number = to.uri.user else {
            respond(key, to: request, status: 404)
            return
        }
        // An unknown (or disabled) extension gets the same challenge and the same 403 as a
        // wrong password, as Asterisk's `alwaysauthreject`: a 404 would tell a scanner which
        // numbers exist. Trusted sources still get the 404.
        let isKnown = directory[number]?.enabled == true
        guard isKnown || !authenticator.isTrusted(source) else {
            respond(key, to: request, status: 404)
            return
        }
        switch authenticator.check(request, headerName: "Authorization", claimedUser: number, source: source, directory: directory) {
        case .challenge(let challenges):
            var response = SIPResponse(to: request, status: 401, toTag: SIPIdentifiers.tag())
            for challenge in challenges { response.headers.add("WWW-Authenticate", challenge.headerValue) }
            respond(key, with: response)
            return
        case .forbidden(let why):
            authenticationFailed(from: source)
            logger.notice("REGISTER refused", metadata: ["extension": "\(number)", "source": "\(source)", "reason": "\(why)"])
            respond(key, to: request, status: 403)
            return
        case .accepted:
            break
        }
        guard let (contacts, wildcard) = try? request.headers.contacts() else {
            respond(key, to: request, status: 400, reason: "Bad Contact")
            return
        }
        let now = Date()
        let callID = request.headers.callID ?? ""
        let cseq = (try? request.headers.cseq().number) ?? 0
        if wildcard {
            guard request.headers.expires == 0 else {
                respond(key, to: request, status: 400, reason: "Wildcard Contact Needs Expires 0")
                return
            }
            // RFC 3261 §10.3 step 6: a binding from the same Call-ID with this CSeq or a later
            // one means the request is older than it (reordered over UDP): nothing is removed.
            if bindings.bindings(for: number, now: now).contains(where: { $0.callID == callID && cseq <= $0.cseq }) {
                respond(key, to: request, status: 500, reason: "CSeq Out of Order")
                return
            }
            for binding in bindings.removeAll(number) { bindingRemoved(binding, reason: "unregistered") }
            registrationOK(request, key: key, number: number, now: now)
            return
        }
        // RFC 3327: the proxies in front of the registrar (an SBC, Kamailio) that asked to
        // stay on the way to the phone; requests to its contacts go back through them.
        guard let path = try? request.headers.routeSet("Path") else {
            respond(key, to: request, status: 400, reason: "Bad Path")
            return
        }
        var accepted: [(contact: NameAddress, instance: DeviceInstance?, expires: Int)] = []
        for contact in contacts {
            guard let requested = requestedExpiry(of: contact, in: request) else {
                respond(key, to: request, status: 400, reason: "Invalid Expires")
                return
            }
            if requested > 0 && requested < configuration.minimumRegistrationExpiry {
                var response = SIPResponse(to: request, status: 423, toTag: SIPIdentifiers.tag())
                response.headers.add("Min-Expires", String(configuration.minimumRegistrationExpiry))
                respond(key, with: response)
                return
            }
            let instance = DeviceInstance(contact: contact)
            // Two Contacts of one device and flow would be one binding, which of them
            // undecidable (the order would decide whether an unregister beside a new address
            // removed the new one).
            if let instance, accepted.contains(where: { $0.instance == instance }) {
                respond(key, to: request, status: 400, reason: "Duplicate Instance")
                return
            }
            accepted.append((contact, instance, min(requested, configuration.maximumRegistrationExpiry)))
        }
        // RFC 3261 §10.3 step 7: a REGISTER older than what a binding holds from the same
        // Call-ID (a delayed retransmission, reordered over UDP) must not undo a newer one.
        let existing = bindings.bindings(for: number, now: now)
        for (contact, instance, _) in accepted {
            if existing.contains(where: { $0.isSame(contact: contact.uri, instance: instance) && $0.callID == callID && cseq <= $0.cseq }) {
                respond(key, to: request, status: 500, reason: "CSeq Out of Order")
                return
            }
        }
        let limit = configuration.maximumContactsPerExtension
        guard accepted.count(where: { $0.expires > 0 }) <= limit else {
            respond(key, to: request, status: 403, reason: "Too Many Contacts")
            return
        }
        for (contact, instance, expires) in accepted {
            let text = contact.uri.serialized
            if expires == 0 {
                for removed in bindings.remove(number, contact: contact.uri, instance: instance) {
                    bindingRemoved(removed, reason: "unregistered")
                }
                continue
            }
            let binding = Binding(
                extensionNumber: number, contact: contact.uri, contactText: text,
                expiresAt: now.addingTimeInterval(TimeInterval(expires)), callID: callID, cseq: cseq, source: source,
                userAgent: request.headers["User-Agent"], registeredAt: now, instance: instance, path: path)
            let previous = existing.first { $0.isSame(contact: contact.uri, instance: instance) }
            let replaced = bindings.upsert(binding)
            // The same contact written differently, or the same device at a new address: the
            // old row and what is known of it make way for the text the phone now uses.
            for old in replaced { bindingRemoved(old, reason: "re-registered") }
            if replaced.isEmpty, let previous, previous.source.connectionID != source.connectionID {
                releaseConnectionIfUnused(previous.source)
            }
            let isNew = previous == nil || previous?.contactText != text
            reachability.registered(ContactReachability.Key(extensionNumber: number, contact: text))
            if isNew { checkNewContact(binding) }
            writes.enqueue(.registrationUpsert(binding.record))
            emit(.registrationAdded(extensionNumber: number, contact: text, expiresAt: binding.expiresAt))
            if source.transport.isStream {
                // Not closed for idleness while it is registered (and a little longer, for a
                // refresh that comes late): calls reach a phone behind NAT only through it.
                outbound.holdConnection(of: source, for: .seconds(expires) + Self.connectionHoldMargin)
            }
        }
        let named = Set(accepted.map { $0.contact.uri.serialized })
        for replaced in bindings.trim(number, to: limit, keeping: named, now: now) {
            logger.notice(
                "contact replaced: the extension has its maximum of registered contacts",
                metadata: ["extension": "\(number)", "contact": "\(replaced.contactText)", "limit": "\(limit)"])
            bindingRemoved(replaced, reason: "replaced")
        }
        registrationOK(request, key: key, number: number, now: now)
    }

    /// The lifetime a REGISTER asks for `contact`: its `expires` parameter, else the Expires
    /// header, else the default. Nil when the one that applies is not delta-seconds
    /// (``SIPHeaders/deltaSeconds(_:)``): a negative lifetime used to bind a contact that had
    /// already expired.
    private func requestedExpiry(of contact: NameAddress, in request: SIPRequest) -> Int? {
        if let written = contact.parameters.value(named: "expires") { return SIPHeaders.deltaSeconds(written ?? "") }
        guard let header = request.headers["Expires"] else { return configuration.defaultRegistrationExpiry }
        return SIPHeaders.deltaSeconds(header)
    }

    /// 200 OK listing every current binding with its remaining lifetime (§10.3 step 8), and
    /// the Path it stored when the phone said it supports it (RFC 3327 §5.3).
    private func registrationOK(_ request: SIPRequest, key: TransactionKey, number: String, now: Date) {
        var response = SIPResponse(to: request, status: 200, toTag: SIPIdentifiers.tag())
        if request.headers["Path"] != nil, request.headers.values("Supported").contains(where: { $0.lowercased() == "path" }) {
            for hop in request.headers.values("Path") { response.headers.add("Path", hop) }
        }
        for binding in bindings.bindings(for: number, now: now) {
            let remaining = max(0, Int(binding.expiresAt.timeIntervalSince(now).rounded()))
            response.headers.add(
                "Contact", "<\(binding.contactText)>;expires=\(remaining)\(binding.instance?.contactParameters ?? "")")
        }
        response.headers.add("Date", SIPDate.text(secondsSince1970: Int64(now.timeIntervalSince1970.rounded(.down))))
        respond(key, with: response)
    }

    /// Adds the Route a request to the contact written `text` takes: the Path its binding was
    /// registered through (RFC 3327), none for a phone that registered directly.
    func addPathRoute(toContact text: @autoclosure () -> String, to headers: inout SIPHeaders) {
        for hop in bindings.route(toContact: text()) { headers.add("Route", hop.serialized) }
    }

    func bindingRemoved(_ binding: Binding, reason: String) {
        let number = binding.extensionNumber
        let contact = binding.contactText
        writes.enqueue(.registrationRemove(extensionNumber: number, contactURI: contact))
        reachability.forget(ContactReachability.Key(extensionNumber: number, contact: contact))
        emit(.registrationRemoved(extensionNumber: number, contact: contact, reason: reason))
        releaseConnectionIfUnused(binding.source)
    }

    /// Ends the hold on the TCP connection a binding was registered on once no binding is
    /// (a phone behind NAT that registers again on a new connection leaves its old one; a
    /// phone that unregisters or lapses): it then closes when idle instead of staying open
    /// for the rest of the registration's hour, or until keep-alive probes find it dead.
    private func releaseConnectionIfUnused(_ source: SIPPeerAddress) {
        guard source.transport.isStream, let id = source.connectionID, !bindings.isUsing(connection: id) else { return }
        outbound.releaseConnection(of: source)
    }

    func expireBindings(now: Date) {
        for binding in bindings.removeExpired(now: now) { bindingRemoved(binding, reason: "expired") }
    }

    // MARK: Live configuration changes (from the control socket)

    /// A created or updated extension takes effect at once. Disabling one drops its bindings.
    public func extensionChanged(_ record: ExtensionRecord) {
        let previous = directory[record.number]
        directory.upsert(record)
        resolveStaticContactHost(of: record)
        if previous?.qualifySeconds != record.qualifySeconds || previous?.staticContact != record.staticContact
            || previous?.enabled != record.enabled
        {
            scheduleQualify(record, firstAfter: .zero)
        }
        if !record.enabled {
            for binding in bindings.removeAll(record.number) { bindingRemoved(binding, reason: "extension disabled") }
        }
    }

    /// A removed extension is unregistered and its calls end cleanly with BYE/CANCEL.
    public func extensionRemoved(_ number: String) {
        directory.remove(number)
        stopQualify(number)
        for binding in bindings.removeAll(number) { bindingRemoved(binding, reason: "extension removed") }
        for (id, call) in calls where call.caller == number || call.callee == number {
            endCall(id, cause: "extension_removed", side: .system, disposition: nil)
        }
    }

    public func registrations(extension number: String? = nil) -> [Binding] {
        let now = Date()
        let all = number.map { bindings.bindings(for: $0, now: now) } ?? bindings.all.filter { $0.expiresAt > now }
        return all.sorted { ($0.extensionNumber, $0.contactText) < ($1.extensionNumber, $1.contactText) }
    }

    public func counts() -> (extensions: Int, registrations: Int, calls: Int) {
        (directory.count, bindings.all.count, calls.count)
    }

    public func currentStatistics() -> PBXStatistics { statistics }

    /// Whether an overload episode is in progress (new calls refused in its overloaded
    /// batches).
    public var isOverloaded: Bool { overloadEpisode != nil }

    /// CDR and registration writes not yet in the database, and for how long the database has
    /// been refusing them (nil while it accepts them). Readable from any thread.
    public nonisolated var storeWrites: (pending: Int, failingFor: Duration?) { writes.state }

    /// The configured limit on concurrent calls (nil: none).
    public nonisolated var maximumCalls: Int? { configuration.maximumCalls }
}
