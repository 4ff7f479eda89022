import Foundation
import VPBXSIP
import VPBXSignaling

/// Message-waiting indication (RFC 3842): phones SUBSCRIBE to `message-summary` for their own
/// mailbox and get a NOTIFY at once and on every change; phones that never subscribe get
/// unsolicited NOTIFYs at their registered contacts (many desk phones expect that).
/// Subscriptions live in memory: after a restart a phone's refresh gets 481 and it subscribes
/// anew.
extension PBXCore {
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
