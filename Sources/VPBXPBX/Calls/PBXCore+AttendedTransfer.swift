import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling
import VPBXStore

/// Attended transfer (RFC 5589 §7): the receptionist talks to the caller (call X, the
/// receptionist's phone its callee), puts them on hold, calls the colleague (call Y, the
/// receptionist's phone its caller), announces the caller, and presses Transfer. The phone
/// sends REFER, in either call's dialog, whose Refer-To names the other call's dialog in a
/// `Replaces` (RFC 3891): "put the far end of this call in place of me in that one".
///
/// Both far ends talk to the engine, not to each other, so the engine joins the two calls
/// itself instead of passing the REFER on: the colleague (Y's callee) gets a re-INVITE
/// pointing its media at X's relay B side, and once it accepts, its leg becomes X's answered
/// leg, the receptionist's phone is hung up in both calls (after the last NOTIFY), and Y
/// ends. Nothing changes before the colleague's phone accepts: if it refuses, the
/// receptionist hears so (NOTIFY) and both calls go on as they were.
///
/// The join takes the receptionist as the callee of one call and the caller of the other.
/// When both calls came in to it (or both went out), the parties of the other call change
/// places first (``Call/swapParties(callerExtension:)``), and back if the join fails.
struct PendingJoin: Sendable {
    /// The call that keeps its caller and takes the other's callee (the transferor was its
    /// callee).
    let keeper: UUID
    /// The call whose callee moves (the transferor was its caller); it ends when the join is
    /// done.
    let donor: UUID
    /// Where the transferor's REFER came, for its NOTIFYs.
    let referCall: UUID
    let referSide: CallSide
    let subscription: ReferSubscription
    /// The call whose parties changed places for the join, if one did.
    let swapped: UUID?
    /// The engine's key in the re-INVITE to the moving phone, when its SRTP is terminated:
    /// its answer's key then terminates the keeper's B side.
    let movingSRTPKey: SRTPKeyMaterial?
}

/// A `Replaces` (RFC 3891): a dialog the sender names at the engine, as a Refer-To's header
/// carries it (the transferor's dialog in its other call, §6.1, URI-escaped) or as an
/// INVITE's header (a ringing phone's dialog, to pick its call up). `toTag` is the engine's
/// tag in it, `fromTag` the other phone's.
struct ReplacesDialog: Sendable, Equatable {
    let callID: String
    let toTag: String
    let fromTag: String

    /// From a URI's headers (`Replaces=call%40host%3Bto-tag%3D1%3Bfrom-tag%3D2&...`); nil
    /// when there is no Replaces or it lacks a part.
    init?(uriHeaders: String) {
        let fields = uriHeaders.split(separator: "&")
        guard let field = fields.first(where: { $0.lowercased().hasPrefix("replaces=") }),
            let value = String(field.dropFirst("replaces=".count)).removingPercentEncoding
        else { return nil }
        self.init(headerValue: value)
    }

    /// From a Replaces header's value (`call@host;to-tag=1;from-tag=2`); nil when it lacks a part.
    init?(headerValue value: String) {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let callID = parts.first, !callID.isEmpty else { return nil }
        var toTag: String?
        var fromTag: String?
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "to-tag": toTag = pair[1]
            case "from-tag": fromTag = pair[1]
            default: break
            }
        }
        guard let toTag, let fromTag else { return nil }
        self.callID = callID
        self.toTag = toTag
        self.fromTag = fromTag
    }
}

extension PBXCore {
    /// Takes a REFER whose Refer-To carries `replaces`, from the phone on `side` of `call`:
    /// refused with a reason, or accepted (202) and the other party's phone re-INVITEd.
    func acceptAttendedTransfer(
        _ request: SIPRequest, key: TransactionKey, from side: CallSide, call: Call, replaces: ReplacesDialog
    ) {
        guard let otherID = callByDialog[DialogID(callID: replaces.callID, localTag: replaces.toTag)],
            otherID != call.id, let other = calls[otherID],
            let otherSide = transferorSide(in: other, replaces: replaces)
        else {
            respond(key, to: request, status: 404, reason: "Replaced Call Not Found")
            return
        }
        if let consultation = parkingConsultation(call, side, other, otherSide) {
            parkByAttendedTransfer(request, key: key, referCall: call, consultation: consultation)
            return
        }
        guard isJoinable(call), isJoinable(other) else {
            respond(key, to: request, status: 491)
            return
        }
        if side == otherSide {
            // Both came in to the transferor (or both went out): in the other call it changes
            // places with its party, so that it is the callee of one and the caller of the other.
            if let (status, reason) = swapRefusal(other) {
                respond(key, to: request, status: status, reason: reason)
                return
            }
            swapParties(of: other)
        }
        let (keeper, donor) = side == .callee ? (call, other) : (other, call)
        guard let moving = donor.answeredLeg, var dialog = donor.legs[moving].dialog, let keeperMedia = keeper.media
        else {
            respond(key, to: request, status: 500)
            return
        }
        // The moving phone is offered what the keeper's caller agreed (its codec and
        // telephone-event, under the caller's payload types: the relay passes packets as they
        // are) at the keeper's B side, in its own SDP session; an SRTP phone (its SRTP
        // terminated in the donor) with a fresh key of the engine's, under its profile.
        var offer = keeper.offerForNewLegs.anchored(at: configuration.mediaAddress, audioPort: keeperMedia.bPort)
        let movingSRTPKey = donor.calleeSRTP.map { _ in SRTPKeyMaterial.random() }
        if let srtp = donor.calleeSRTP, let movingSRTPKey {
            let policy: SRTPPolicy = srtp.profile.uppercased().contains("SAVP") ? .mandatory : .optional
            offer = SRTPTermination.offer(offer, policy: policy, engineKey: movingSRTPKey)
        }
        let subscription = ReferSubscription(request)
        acceptRefer(request, key: key, subscription: subscription)
        let join = PendingJoin(
            keeper: keeper.id, donor: donor.id, referCall: call.id, referSide: side,
            subscription: subscription, swapped: side == otherSide ? other.id : nil, movingSRTPKey: movingSRTPKey)
        keeper.join = join
        donor.join = join
        sendReferNotify(join, sipfrag: "SIP/2.0 100 Trying", final: false)

        let body = Array(donor.calleeOrigin.stamp(offer).serialized().utf8)
        let destination = donor.legs[moving].destination
        let reInvite = dialog.makeRequest(
            .invite, via: newVia(for: destination), contact: ourContact(user: keeper.caller, transport: destination.transport),
            body: body, contentType: "application/sdp")
        donor.legs[moving].dialog = dialog
        let client = startClient(reInvite, to: destination, purpose: .joinReInvite(donor: donor.id))
        transactions.clients[client]?.relayedInvite = RelayedInvite(dialog: dialog, destination: destination)
        keepJoinForTrunkChallenge(reInvite, client: client, trunk: donor.legs[moving].trunk)
        logger.info(
            "attended transfer: joining two calls",
            metadata: ["keeper": "\(keeper.id)", "donor": "\(donor.id)", "to": "\(donor.callee)"])
    }

    /// Which party of `call` the dialog `replaces` names (the transferor's), nil when neither.
    private func transferorSide(in call: Call, replaces: ReplacesDialog) -> CallSide? {
        if call.callerDialog.callID == replaces.callID, call.callerDialog.localTag == replaces.toTag,
            call.callerDialog.remoteTag == replaces.fromTag
        {
            return .caller
        }
        if call.calleeCallID == replaces.callID, call.calleeFromTag == replaces.toTag,
            call.answered?.dialog?.remoteTag == replaces.fromTag
        {
            return .callee
        }
        return nil
    }

    /// An answered call between two phones with nothing in progress that a join would cross.
    private func isJoinable(_ call: Call) -> Bool {
        call.answeredAt != nil && call.state == .answered && !call.handingOn && call.media != nil
            && !call.answeredByApplication && call.pendingRenegotiation == nil && call.transfer == nil
            && call.join == nil && call.answered?.dialog != nil
    }

    /// The moving phone answered the join's re-INVITE.
    func joinReInviteResponse(_ response: SIPResponse, donor donorID: UUID, client: TransactionKey) {
        guard response.statusCode >= 200 else { return }
        if let relayedInvite = transactions.clients[client]?.relayedInvite {
            if isRetransmitted2xx(response, of: relayedInvite) { return }
            if response.isSuccess { sendAck(relayedInvite, cseq: (try? response.headers.cseq().number) ?? 1) }
        }
        guard let donor = calls[donorID], let join = donor.join else { return }
        if answerJoinTrunkChallenge(response, donor: donor, client: client) { return }
        let keeper = calls[join.keeper]
        guard response.isSuccess, let keeper, keeper.join?.donor == donorID else {
            donor.join = nil
            keeper?.join = nil
            // The call that changed places for the join, as it was (a refusal leaves both as
            // they were).
            if let swapped = join.swapped.flatMap({ calls[$0] }), swapped.canSwapParties {
                swapped.swapParties(callerExtension: nil)
            }
            if response.isSuccess {
                // The keeper ended meanwhile, and the phone now sends to its closed port.
                endCall(donorID, cause: "transfer_failed", side: .system, disposition: nil)
            } else {
                sendReferNotify(join, sipfrag: "SIP/2.0 \(response.statusCode) \(response.reason)", final: true)
            }
            return
        }
        completeJoin(join, keeper: keeper, donor: donor, answer: sdp(of: response))
    }

    /// The moving phone's leg becomes the keeper's answered leg; the transferor leaves both
    /// calls and the donor ends.
    private func completeJoin(_ join: PendingJoin, keeper: Call, donor: Call, answer: SessionDescription?) {
        guard let moving = donor.answeredLeg, let transferorLeg = keeper.answeredLeg else { return }
        sendReferNotify(join, sipfrag: "SIP/2.0 200 OK", final: true)
        keeper.join = nil
        donor.join = nil

        // The transferor's leg of the keeper: BYE. Its dialog still finds the keeper until it
        // ends (a BYE of its own may cross ours).
        if var dialog = keeper.legs[transferorLeg].dialog {
            let destination = keeper.legs[transferorLeg].destination
            let bye = dialog.makeRequest(.bye, via: newVia(for: destination), contact: nil)
            sendBye(bye, to: destination)
        }
        keeper.legs[transferorLeg].state = .failed
        keeper.earlierCalleeDialogs.append(DialogID(callID: keeper.calleeCallID, localTag: keeper.calleeFromTag))

        // The moving leg, its dialog and its SDP session, into the keeper.
        keeper.legs.append(donor.legs[moving])
        keeper.answeredLeg = keeper.legs.count - 1
        keeper.calleeCallID = donor.calleeCallID
        keeper.calleeFromTag = donor.calleeFromTag
        keeper.calleeOrigin = donor.calleeOrigin
        callByDialog[DialogID(callID: keeper.calleeCallID, localTag: keeper.calleeFromTag)] = keeper.id
        keeper.callee = donor.callee
        keeper.path.append("transfer:\(donor.callee)")
        writes.enqueue(.cdrPath(id: keeper.id, path: keeper.path))
        // The keeper's B side takes the moving phone's keys, or none: the transferor's go.
        let movingSRTP = join.movingSRTPKey.flatMap { key in answer.flatMap { SRTPTermination(sdp: $0, engineKey: key) } }
        terminateCalleeSRTP(of: keeper, movingSRTP)
        if let answer = answer.map({ movingSRTP == nil ? $0 : $0.withoutSDES() }) {
            keeper.calleeCodec = answer.voiceCodec
            watchSilence(of: keeper, callerSDP: keeper.offer, calleeSDP: answer, calleeIsApplication: false)
            if let endpoint = answer.audioEndpoint, let media = keeper.media {
                Task {
                    await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port)
                    await media.relatch(side: .b, awayFromCurrent: true)
                }
            }
        }
        // The transferor's hold of the caller (its music) ends with its part in the call.
        if keeper.heldBy.remove(.callee) != nil {
            keeper.media?.stopMusic(toward: .a)
            if keeper.heldBy.isEmpty { keeper.media?.updateTimeoutSuspended(false) }
        }

        // The donor ends without its moved leg: the transferor (its caller) gets BYE.
        donor.legs[moving].state = .failed
        donor.legs[moving].dialog = nil
        donor.calleeCallID = ""
        donor.calleeFromTag = ""
        endCall(donor.id, cause: "transferred", side: .system, disposition: nil)
        emit(.callTransferred(keeper.snapshot, by: join.swapped == keeper.id ? "caller" : "callee"))
        logger.info("attended transfer done", metadata: ["call": "\(keeper.id)", "to": "\(keeper.callee)"])
    }

    /// A NOTIFY of the join's REFER subscription to the transferor, where the REFER came.
    private func sendReferNotify(_ join: PendingJoin, sipfrag: String, final: Bool) {
        guard join.subscription.notifies, let call = calls[join.referCall] else { return }
        if join.referSide == .caller {
            var dialog = call.callerDialog
            let notify = referNotify(in: &dialog, to: call.callerSource, user: call.callee, eventID: join.subscription.eventID, sipfrag: sipfrag, final: final)
            call.callerDialog = dialog
            startClient(notify, to: call.callerSource, purpose: .fireAndForget)
        } else if let index = call.answeredLeg, var dialog = call.legs[index].dialog {
            let destination = call.legs[index].destination
            let notify = referNotify(in: &dialog, to: destination, user: call.caller, eventID: join.subscription.eventID, sipfrag: sipfrag, final: final)
            call.legs[index].dialog = dialog
            startClient(notify, to: destination, purpose: .fireAndForget)
        }
    }

    /// 202 Accepted for a REFER the engine carries out, saying so when it sends no NOTIFYs.
    func acceptRefer(_ request: SIPRequest, key: TransactionKey, subscription: ReferSubscription) {
        var accepted = SIPResponse(to: request, status: 202)
        if !subscription.notifies { accepted.headers.add("Refer-Sub", "false") }
        respond(key, with: accepted)
    }

    /// A NOTIFY of a REFER's implicit subscription (RFC 3515 §2.4.5): `sipfrag` is the status
    /// line of how the referred request went.
    func referNotify(
        in dialog: inout Dialog, to destination: SIPPeerAddress, user: String, eventID: UInt32, sipfrag: String,
        final: Bool
    ) -> SIPRequest {
        var notify = dialog.makeRequest(
            .notify, via: newVia(for: destination), contact: ourContact(user: user, transport: destination.transport),
            body: Array("\(sipfrag)\r\n".utf8), contentType: "message/sipfrag;version=2.0")
        notify.headers.add("Event", "refer;id=\(eventID)")
        notify.headers.add("Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60")
        return notify
    }
}

/// A REFER's implicit subscription (RFC 3515 §2.4.4), blind or attended: the id its NOTIFYs
/// name (`Event: refer;id=<the REFER's CSeq>`, §2.4.6) and whether the phone still wants
/// them (not after `Refer-Sub: false`, RFC 4488, nor after the last one).
struct ReferSubscription: Sendable {
    let eventID: UInt32
    var notifies: Bool

    init(_ refer: SIPRequest) {
        eventID = (try? refer.headers.cseq().number) ?? 0
        notifies = refer.headers["Refer-Sub"]?.trimmingCharacters(in: .whitespaces).lowercased() != "false"
    }

    private init(eventID: UInt32, notifies: Bool) {
        self.eventID = eventID
        self.notifies = notifies
    }

    /// A transfer nobody asked for by REFER (the console's): no NOTIFYs.
    static let none = ReferSubscription(eventID: 0, notifies: false)
}
