import Foundation
import VPBXSIP
import VPBXSignaling

/// SUBSCRIBE and NOTIFY (RFC 6665) for the two event packages the exchange serves:
/// `message-summary` (a phone's own mailbox, PBXCore+MessageWaiting) and `dialog` (any
/// extension's calls, for busy lamp fields, PBXCore+BusyLamps). Subscriptions live in memory:
/// after a restart a phone's refresh gets 481 and it subscribes anew.
extension PBXCore {
    static let subscriptionExpiry = (minimum: 60, default: 3600, maximum: 86_400)
    static let allowedEvents = "message-summary, dialog"

    func subscribe(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        let event = request.headers["Event"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard event == "message-summary" || event == "dialog" else {
            var response = SIPResponse(to: request, status: 489, reason: "Bad Event", toTag: SIPIdentifiers.tag())
            response.headers.add("Allow-Events", Self.allowedEvents)
            respond(key, with: response)
            return
        }
        let inDialog = (try? request.headers.toTag()) != nil
        if inDialog {
            refreshSubscription(request, key: key)
            return
        }
        guard let to = try? request.headers.to(), let watched = to.uri.user else {
            respond(key, to: request, status: 404)
            return
        }
        // An unknown number is challenged like a known one: a 404 before authentication
        // would tell a scanner which numbers exist (as REGISTER's, ``register(_:key:source:)``).
        // A park slot's busy lamp watches the code that takes its call (`*713`).
        let watchable = directory[watched] != nil || (event == "dialog" && parkSlot(watchedAs: watched) != nil)
        guard watchable || !authenticator.isTrusted(source) else {
            respond(key, to: request, status: 404)
            return
        }
        let claimed = (try? request.headers.from().uri.user) ?? watched
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
        case .accepted(let user) where event == "message-summary" && user != watched && !authenticator.isTrusted(source):
            // A phone watches its own mailbox only; any extension's calls (a busy lamp) are
            // for every phone of the exchange to see, as Asterisk's hints are.
            respond(key, to: request, status: 403, reason: "Not Your Mailbox")
            return
        case .accepted:
            break
        }
        guard watchable else {
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
        ok.headers.add("Contact", ourContact(user: watched, transport: source.transport).serialized)
        respond(key, with: ok)
        let id = DialogID(callID: dialog.callID, localTag: localTag)
        let package: EventSubscription.Package =
            event == "dialog" ? .dialog(watched: watched) : .messageSummary(mailbox: watched)
        store(EventSubscription(
            dialog: dialog, package: package, destination: source,
            expiresAt: Date().addingTimeInterval(Double(expires))), as: id)
        if expires == 0 {
            // A fetch (Expires: 0): one NOTIFY, then the subscription is over (RFC 6665 §4.4.1).
            sendNotify(id, state: "terminated;reason=timeout")
            dropSubscription(id)
        } else {
            sendNotify(id, state: "active;expires=\(expires)")
        }
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
            dropSubscription(id)
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
            dropSubscription(id)
        }
    }

    private func store(_ subscription: EventSubscription, as id: DialogID) {
        if let watched = subscription.watchedExtension { dialogWatchers[watched, default: []].insert(id) }
        subscriptions[id] = subscription
    }

    private func dropSubscription(_ id: DialogID) {
        guard let subscription = subscriptions.removeValue(forKey: id),
            let watched = subscription.watchedExtension
        else { return }
        dialogWatchers[watched]?.remove(id)
        if dialogWatchers[watched]?.isEmpty == true {
            dialogWatchers[watched] = nil
            publishedDialogStates[watched] = nil
        }
    }

    /// A NOTIFY of subscription `id` with its package's current state (`dialogInfo`: the
    /// watched extension's, when the caller has it already).
    func sendNotify(_ id: DialogID, state: String, dialogInfo known: DialogInfo? = nil) {
        guard var subscription = subscriptions[id] else { return }
        let body: String
        let contentType: String
        let user: String
        switch subscription.package {
        case .messageSummary(let mailbox):
            let summary = messageSummaries[mailbox] ?? MessageSummary()
            body = summary.body(account: "sip:\(mailbox)@\(configuration.advertisedHost)")
            contentType = MessageSummary.contentType
            user = mailbox
        case .dialog(let watched):
            let info = known ?? dialogInfo(of: watched)
            body = info.document(version: subscription.version)
            // The first phone to watch `watched` knows its state now. (With others watching,
            // the last state they were told stays, so that none of them misses a change.)
            if publishedDialogStates[watched] == nil { publishedDialogStates[watched] = info.signature }
            subscription.version += 1
            contentType = DialogInfo.contentType
            user = watched
        }
        var notify = subscription.dialog.makeRequest(
            .notify, via: newVia(for: subscription.destination),
            contact: ourContact(user: user, transport: subscription.destination.transport),
            body: Array(body.utf8), contentType: contentType)
        notify.headers.add("Event", subscription.package.eventName)
        notify.headers.add("Subscription-State", state)
        subscriptions[id] = subscription
        startClient(notify, to: subscription.destination, purpose: .fireAndForget)
    }
}
