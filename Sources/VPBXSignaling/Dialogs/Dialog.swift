import VPBXSIP

/// A SIP dialog (RFC 3261 §12) seen from our side. A B2BUA call holds two: on the A leg we are
/// the UAS, on the B leg the UAC. The struct builds in-dialog requests and checks the remote
/// CSeq ordering; who sends them is the owner's business.
public struct Dialog: Sendable, Equatable {
    public enum Role: Sendable, Equatable { case uac, uas }

    public let role: Role
    public let callID: String
    public let localTag: String
    public var remoteTag: String? {
        didSet { addressHeaders = AddressHeaders() }
    }
    /// Our address as it appears in From (UAC) or To (UAS), including our tag.
    public let local: NameAddress
    public let remote: NameAddress
    /// From and To with their tags as every request of the dialog writes them, serialized by
    /// the first request and kept for the next (a call's ACK and BYE share them): writing a
    /// name-address was most of building either.
    private var addressHeaders = AddressHeaders()
    /// Where in-dialog requests go: the peer's Contact, refreshed by target-refresh requests.
    public var remoteTarget: SIPURI
    public var routeSet: [NameAddress]
    public private(set) var localSeq: UInt32
    public private(set) var remoteSeq: UInt32?

    /// The dialog created by sending `invite` and receiving `response` (1xx with tag or 2xx).
    public init(uacInvite invite: SIPRequest, response: SIPResponse) throws(SIPParseError) {
        var remote = try response.headers.to()
        let local = try invite.headers.from()
        guard let localTag = local.tag else { throw .bad("our INVITE has no From tag") }
        self.role = .uac
        self.callID = invite.headers.callID ?? ""
        self.localTag = localTag
        self.remoteTag = remote.tag
        self.local = local
        remote.parameters.remove(named: "tag")
        self.remote = remote
        self.remoteTarget = try response.headers.contacts().addresses.first?.uri ?? invite.uri
        self.routeSet = try response.headers.routeSet("Record-Route").reversed()
        self.localSeq = try invite.headers.cseq().number
        self.remoteSeq = nil
    }

    /// The dialog created by receiving `invite` and answering with our `localTag`.
    public init(uasInvite invite: SIPRequest, localTag: String) throws(SIPParseError) {
        var local = try invite.headers.to()
        local.tag = localTag
        var remote = try invite.headers.from()
        self.role = .uas
        self.callID = invite.headers.callID ?? ""
        self.localTag = localTag
        self.remoteTag = remote.tag
        remote.parameters.remove(named: "tag")
        self.local = local
        self.remote = remote
        self.remoteTarget = try invite.headers.contacts().addresses.first?.uri ?? remote.uri
        self.routeSet = try invite.headers.routeSet("Record-Route")
        var generator = RandomWordsGenerator()
        self.localSeq = UInt32.random(in: 1...10_000, using: &generator)
        self.remoteSeq = try invite.headers.cseq().number
    }

    /// True when `message` carries this dialog's Call-ID and tags.
    public func matches(callID: String?, localTag: String?, remoteTag: String?) -> Bool {
        callID == self.callID && localTag == self.localTag && (self.remoteTag == nil || remoteTag == self.remoteTag)
    }

    /// RFC 3261 §12.2.2: a lower CSeq than the last one seen is out of order (answer 500).
    /// A target refresh request's Contact is taken only once it is answered with a 2xx
    /// (``acceptTargetRefresh(answering:)``).
    public mutating func acceptRemoteRequest(_ request: SIPRequest) -> Bool {
        guard let cseq = try? request.headers.cseq() else { return false }
        if request.method == .ack || request.method == .cancel { return true }
        if let remoteSeq, cseq.number <= remoteSeq { return false }
        remoteSeq = cseq.number
        return true
    }

    /// The other side's target refresh request (re-INVITE, UPDATE) was answered with a 2xx:
    /// its Contact is where that side takes requests from now on. Only then (RFC 6141 §3.4):
    /// a refused one (491 for glare, 488, 500) leaves the target as it was.
    public mutating func acceptTargetRefresh(answering request: SIPRequest) {
        guard request.method == .invite || request.method == .update,
            let contact = try? request.headers.contacts().addresses.first
        else { return }
        remoteTarget = contact.uri
    }

    /// A 2xx to a target refresh request of ours (re-INVITE, UPDATE): its Contact is where the
    /// other side takes requests from now on (RFC 3261 §12.2.1.2), the ACK included.
    public mutating func acceptTargetRefresh(_ response: SIPResponse) {
        guard response.isSuccess, let contact = try? response.headers.contacts().addresses.first else { return }
        remoteTarget = contact.uri
    }

    /// A new in-dialog request (BYE, re-INVITE, INFO, ...), taking the next local CSeq.
    public mutating func makeRequest(_ method: SIPMethod, via: Via, contact: NameAddress?, body: [UInt8] = [], contentType: String? = nil) -> SIPRequest {
        localSeq += 1
        return buildRequest(method, cseq: localSeq, via: via, contact: contact, body: body, contentType: contentType)
    }

    /// The end-to-end ACK for a 2xx to the INVITE with `inviteCSeq` (RFC 3261 §13.2.2.4).
    public mutating func makeAck(inviteCSeq: UInt32, via: Via, body: [UInt8] = [], contentType: String? = nil) -> SIPRequest {
        buildRequest(.ack, cseq: inviteCSeq, via: via, contact: nil, body: body, contentType: contentType)
    }

    private mutating func buildRequest(
        _ method: SIPMethod, cseq: UInt32, via: Via, contact: NameAddress?, body: [UInt8], contentType: String?
    ) -> SIPRequest {
        var headers = SIPHeaders()
        // Exactly the lines below: grown by appending, the array doubled to 8 or 16 fields,
        // and an answered leg's ACK keeps that room for the 32 s it is kept for resending
        // (heaptrack: 400 bytes a call).
        headers.reserveCapacity(6 + routeSet.count + (contact == nil ? 0 : 1) + (contentType == nil ? 0 : 1))
        headers.addVia(via)
        headers.add("Max-Forwards", "70")
        let (from, to) = taggedAddresses()
        headers.add("From", from.address, text: from.text)
        headers.add("To", to.address, text: to.text)
        headers.add("Call-ID", callID)
        headers.add(CSeq(cseq, method))
        for route in routeSet { headers.add("Route", route.serialized) }
        if let contact { headers.add("Contact", contact.serialized) }
        if let contentType { headers.add("Content-Type", contentType) }
        return SIPRequest(method: method, uri: remoteTarget, headers: headers, body: body)
    }

    private mutating func taggedAddresses() -> (from: AddressHeaders.Tagged, to: AddressHeaders.Tagged) {
        if let kept = addressHeaders.kept { return kept }
        let made = (Self.tagged(local, tag: localTag), Self.tagged(remote, tag: remoteTag))
        addressHeaders.kept = made
        return made
    }

    private static func tagged(_ address: NameAddress, tag: String?) -> AddressHeaders.Tagged {
        var tagged = address
        tagged.tag = tag
        return (tagged, tagged.serialized)
    }

    /// The serialized From and To, once a request wrote them. They follow from the dialog's
    /// addresses and tags, so two dialogs are equal whether or not either has them yet.
    private struct AddressHeaders: Sendable, Equatable {
        typealias Tagged = (address: NameAddress, text: String)
        var kept: (from: Tagged, to: Tagged)?

        static func == (lhs: AddressHeaders, rhs: AddressHeaders) -> Bool { true }
    }
}
