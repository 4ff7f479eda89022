import Foundation
import VPBXSIP
import VPBXSignaling

/// Message-waiting indication (RFC 3842): phones SUBSCRIBE to `message-summary` for their own
/// mailbox and get a NOTIFY at once and on every change; phones that never subscribe get
/// unsolicited NOTIFYs at their registered contacts (many desk phones expect that).
/// Subscriptions live in memory: after a restart a phone's refresh gets 481 and it subscribes
/// anew.
extension PBXCore {
    static let subscriptionExpiry = (minimum: 60, default: 3600, maximum: 86_400)

    /// The voicemail counts of `mailbox` changed (or are known for the first time): tell its
    /// phones.
    public func setMessageSummary(_ summary: MessageSummary, mailbox: String, notify: Bool = true) {
        guard messageSummaries[mailbox] != summary else { return }
        messageSummaries[mailbox] = summary
        guard notify else { return }
        let now = Date()
        var subscribedSources = Set<String>()
        for (id, subscription) in subscriptions where subscription.mailbox == mailbox {
            subscribedSources.insert("\(subscription.destination.host):\(subscription.destination.port)")
            sendNotify(id, state: "active;expires=\(max(0, Int(subscription.expiresAt.timeIntervalSince(now))))")
        }
        for binding in bindings.bindings(for: mailbox, now: now)
        where !subscribedSources.contains("\(binding.source.host):\(binding.source.port)") {
            sendUnsolicitedNotify(to: binding.contact, at: destination(of: binding), mailbox: mailbox, summary: summary)
        }
    }

    func subscribe(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        guard
            request.headers["Event"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
                == "message-summary"
        else {
            var response = SIPResponse(to: request, status: 489, reason: "Bad Event", toTag: SIPIdentifiers.tag())
            response.headers.add("Allow-Events", "message-summary")
            respond(key, with: response)
            return
        }
        let inDialog = (try? request.headers.toTag()) != nil
        if inDialog {
            refreshSubscription(request, key: key)
            return
        }
        guard let to = try? request.headers.to(), let mailbox = to.uri.user else {
            respond(key, to: request, status: 404)
            return
        }
        // An unknown mailbox is challenged like a known one: a 404 before authentication
        // would tell a scanner which numbers exist (as REGISTER's, ``register(_:key:source:)``).
        let record = directory[mailbox]
        guard record != nil || !authenticator.isTrusted(source) else {
            respond(key, to: request, status: 404)
            return
        }
        let claimed = (try? request.headers.from().uri.user) ?? mailbox
        switch authenticator.check(
            request, headerName: "Authorization", claimedUser: claimed, source: source, directory: directory)
        {
        case .challenge(let challenges):
            var response = SIPResponse(to: request, status: 401, toTag: SIPIdentifiers.tag())
            for challenge in challenges { response.headers.add("WWW-Authenticate", challenge.headerValue) }
            respond(key, with: response)
            return
        case .forbidden:
            authenticationFailed(from: source)
            respond(key, to: request, status: 403)
            return
        case .accepted(let user) where user != mailbox && !authenticator.isTrusted(source):
            // A phone watches its own mailbox only.
            respond(key, to: request, status: 403, reason: "Not Your Mailbox")
            return
        case .accepted:
            break
        }
        guard record != nil else {
            respond(key, to: request, status: 404)  // authenticated: nothing left to hide
            return
        }
        guard let expires = subscriptionExpiry(request, key: key) else { return }
        let localTag = SIPIdentifiers.tag()
        guard let dialog = try? Dialog(uasInvite: request, localTag: localTag) else {
            respond(key, to: request, status: 400)
            return
        }
        var ok = SIPResponse(to: request, status: 200, toTag: localTag)
        ok.headers.add("Expires", String(expires))
        ok.headers.add("Contact", ourContact(user: mailbox, transport: source.transport).serialized)
        respond(key, with: ok)
        let id = DialogID(callID: dialog.callID, localTag: localTag)
        guard expires > 0 else {
            // A fetch (Expires: 0): one NOTIFY, then the subscription is over (RFC 6665 §4.4.1).
            subscriptions[id] = MessageSubscription(
                dialog: dialog, mailbox: mailbox, destination: source, expiresAt: Date())
            sendNotify(id, state: "terminated;reason=timeout")
            subscriptions[id] = nil
            return
        }
        subscriptions[id] = MessageSubscription(
            dialog: dialog, mailbox: mailbox, destination: source, expiresAt: Date().addingTimeInterval(Double(expires))
        )
        sendNotify(id, state: "active;expires=\(expires)")
    }

    private func refreshSubscription(_ request: SIPRequest, key: TransactionKey) {
        guard let toTag = try? request.headers.toTag(), let callID = request.headers.callID,
            var subscription = subscriptions[DialogID(callID: callID, localTag: toTag)]
        else {
            respond(key, to: request, status: 481)
            return
        }
        let id = DialogID(callID: callID, localTag: toTag)
        guard subscription.dialog.acceptRemoteRequest(request) else {
            respond(key, to: request, status: 500, reason: "CSeq Out of Order")
            return
        }
        guard let expires = subscriptionExpiry(request, key: key) else { return }
        var ok = SIPResponse(to: request, status: 200, toTag: toTag)
        ok.headers.add("Expires", String(expires))
        respond(key, with: ok)
        subscription.expiresAt = Date().addingTimeInterval(Double(expires))
        subscriptions[id] = subscription
        if expires == 0 {
            sendNotify(id, state: "terminated;reason=timeout")
            subscriptions[id] = nil
        } else {
            sendNotify(id, state: "active;expires=\(expires)")
        }
    }

    /// The granted expiry, or nil after answering 423 for a too short one (400 for one that
    /// is not delta-seconds).
    private func subscriptionExpiry(_ request: SIPRequest, key: TransactionKey) -> Int? {
        let limits = Self.subscriptionExpiry
        if request.headers["Expires"] != nil, request.headers.expires == nil {
            respond(key, to: request, status: 400, reason: "Invalid Expires")
            return nil
        }
        let asked = request.headers.expires ?? limits.default
        if asked == 0 { return 0 }
        guard asked >= limits.minimum else {
            var response = SIPResponse(to: request, status: 423, toTag: SIPIdentifiers.tag())
            response.headers.add("Min-Expires", String(limits.minimum))
            respond(key, with: response)
            return nil
        }
        return min(asked, limits.maximum)
    }

    /// Drops subscriptions that were not refreshed in time (called from the tick).
    func expireSubscriptions(now: Date) {
        for (id, subscription) in subscriptions where subscription.expiresAt <= now {
            sendNotify(id, state: "terminated;reason=timeout")
            subscriptions[id] = nil
        }
    }

    private func sendNotify(_ id: DialogID, state: String) {
        guard var subscription = subscriptions[id] else { return }
        let summary = messageSummaries[subscription.mailbox] ?? MessageSummary()
        let body = summary.body(account: "sip:\(subscription.mailbox)@\(configuration.advertisedHost)")
        var notify = subscription.dialog.makeRequest(
            .notify, via: newVia(for: subscription.destination),
            contact: ourContact(user: subscription.mailbox, transport: subscription.destination.transport),
            body: Array(body.utf8), contentType: MessageSummary.contentType)
        notify.headers.add("Event", "message-summary")
        notify.headers.add("Subscription-State", state)
        subscriptions[id] = subscription
        startClient(notify, to: subscription.destination, purpose: .fireAndForget)
    }

    private func sendUnsolicitedNotify(
        to contact: SIPURI, at destination: SIPPeerAddress, mailbox: String, summary: MessageSummary
    ) {
        var headers = SIPHeaders()
        headers.add("Via", newVia(for: destination).serialized)
        headers.add("Max-Forwards", "70")
        headers.add(
            "From",
            NameAddress(
                uri: SIPURI(user: mailbox, host: configuration.advertisedHost),
                parameters: [SIPParameter(name: "tag", value: SIPIdentifiers.tag())]
            ).serialized)
        headers.add("To", NameAddress(uri: SIPURI(user: mailbox, host: configuration.advertisedHost)).serialized)
        headers.add("Call-ID", SIPIdentifiers.callID(host: configuration.advertisedHost))
        headers.add("CSeq", CSeq(1, .notify).description)
        headers.add("Contact", ourContact(user: mailbox, transport: destination.transport).serialized)
        headers.add("Event", "message-summary")
        headers.add("Subscription-State", "active")
        headers.add("Content-Type", MessageSummary.contentType)
        addPathRoute(toContact: contact.serialized, to: &headers)
        let body = summary.body(account: "sip:\(mailbox)@\(configuration.advertisedHost)")
        let notify = SIPRequest(method: .notify, uri: contact, headers: headers, body: Array(body.utf8))
        startClient(notify, to: destination, purpose: .fireAndForget)
    }
}
