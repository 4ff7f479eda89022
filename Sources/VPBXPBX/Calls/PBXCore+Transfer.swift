import Foundation
import VPBXSIP
import VPBXSignaling

/// Blind transfer from the answering phone (RFC 3515 REFER, as RFC 5589 §6 describes it): the
/// receptionist's phone, talking to a caller, presses Transfer and dials 102. The phone sends
/// REFER with `Refer-To: <sip:102@exchange>`; the engine accepts it (202) and hands the caller
/// on to 102 as a menu hands its caller on (``beginHandOn(_:callee:targets:timeout:path:)``):
/// the caller's leg and relay side stay, 102 rings with the relay's B side in its offer, and
/// the caller hears music meanwhile. The transferring phone hears how it goes in NOTIFYs
/// (`message/sipfrag`: 100 Trying, then 200 OK or the failure) and usually hangs up at once.
/// When 102 answers, a transferor still on the line gets its BYE; when 102 fails, one still on
/// the line has the caller back (its phone shows the failed transfer), and for one that has
/// hung up the call goes to 102's voicemail if it has one, or ends.
///
/// Relayed to the caller's phone instead, as the engine did before, the REFER asked a trunk
/// or gateway (most callers a receptionist transfers) to call the exchange's own extension,
/// which it cannot. The caller's phone transfers too (an agent who called a customer puts
/// the customer through to a colleague): the call's parties change places first
/// (``Call/swapParties(callerExtension:)``), so that the phone called is the caller kept and
/// the transferring phone the callee replaced, and the rest is the callee's transfer. A
/// Refer-To with Replaces is an attended transfer, which joins two calls
/// (PBXCore+AttendedTransfer.swift).
struct TransferInProgress: Sendable {
    /// The transferor's leg: the callee leg that sent the REFER, up until the target answers
    /// or it hangs up.
    let transferorLeg: Int
    /// The call's caller sent the REFER (its parties changed places for it).
    let byCaller: Bool
    /// The REFER's implicit subscription: NOTIFYs until the last, its BYE or none at all.
    var subscription: ReferSubscription
    /// The music the caller hears while the target rings was started for the transfer, not by
    /// the transferor's hold (whose music goes on until the target answers either way).
    let startedMusic: Bool
    /// The transferring extension, which the target's INVITE names in Referred-By (RFC 3892)
    /// so that its phone can show who put the call through.
    let referredBy: String
    /// The transferor's SRTP, which the relay terminates on its side: a target's early or
    /// failed answer may change that side's keys, and a failed transfer gives the side back.
    let transferorSRTP: SRTPTermination?
}

extension PBXCore {
    /// Takes a REFER from either phone of an answered call (blind, or attended with
    /// Replaces): refused with a reason (400, 404, 491, 501), or
    /// accepted (202) and carried out. False when the REFER is not the engine's to act on
    /// (the call still rings, or one of the engine's applications has it) and is relayed as
    /// any request.
    func acceptTransfer(_ request: SIPRequest, key: TransactionKey, from side: CallSide, call: Call) -> Bool {
        guard request.method == .refer else { return false }
        let referTo = request.headers["Refer-To"].flatMap { try? NameAddress(parsing: $0) }
        // Attended transfer, from either of the transferor's calls (PBXCore+AttendedTransfer).
        if let headers = referTo?.uri.headers, headers.lowercased().contains("replaces=") {
            if let replaces = ReplacesDialog(uriHeaders: headers) {
                acceptAttendedTransfer(request, key: key, from: side, call: call, replaces: replaces)
            } else {
                respond(key, to: request, status: 400, reason: "Bad Replaces")
            }
            return true
        }
        guard call.answeredLeg != nil, !call.answeredByApplication, call.answeredAt != nil, !call.handingOn,
            call.state == .answered, call.media != nil
        else { return false }
        guard let referTo, request.headers.values("Refer-To").count == 1, let number = referTo.uri.user,
            !number.isEmpty
        else {
            respond(key, to: request, status: 400, reason: "Bad Refer-To")
            return true
        }
        if call.pendingRenegotiation != nil || call.join != nil {
            respond(key, to: request, status: 491)
            return true
        }
        if side == .caller, let (status, reason) = swapRefusal(call) {
            respond(key, to: request, status: status, reason: reason)
            return true
        }
        let subscription = ReferSubscription(request)
        let started = startTransfer(call, byCaller: side == .caller, to: number, subscription: subscription) {
            self.acceptRefer(request, key: key, subscription: subscription)
        }
        if !started { respond(key, to: request, status: 404, reason: "Transfer Target Not Found") }
        return true
    }

    /// What ``transfer(callID:to:)`` did.
    public enum TransferOutcome: Sendable, Equatable {
        /// The target rings; the callee's phone stays in the call until it answers.
        case started
        case noSuchCall
        /// Not an answered call between the caller and a phone (still ringing, with one of the
        /// engine's applications, already being handed on).
        case notTransferable
        /// The number leads nowhere the caller can be put through to.
        case unknownTarget
    }

    /// Transfers an answered call's caller (or, `keepingCallee`, its callee) to `number`
    /// (dialled as the other party's phone would dial it) from the control socket: a
    /// receptionist's or agent's console does what the phone's Transfer key does, without
    /// NOTIFYs. The other party's phone stays in the call until the target answers, then gets
    /// BYE; it may hang up before.
    public func transfer(callID id: UUID, to number: String, keepingCallee: Bool = false) -> TransferOutcome {
        guard let call = calls[id] else { return .noSuchCall }
        guard call.answeredLeg != nil, !call.answeredByApplication, call.answeredAt != nil,
            !call.handingOn, call.state == .answered, call.media != nil, call.pendingRenegotiation == nil,
            call.join == nil, !keepingCallee || swapRefusal(call) == nil
        else { return .notTransferable }
        let started = startTransfer(call, byCaller: keepingCallee, to: number, subscription: .none) {}
        return started ? .started : .unknownTarget
    }

    /// Why the call's parties may not change places now for a transfer (status and reason),
    /// if they may not (``Call/swapParties(callerExtension:)``).
    func swapRefusal(_ call: Call) -> (Int, String)? {
        if call.path.contains(where: { $0.hasPrefix("queue:") }) {
            // The queue's agent is the callee; a transfer by the customer's side is not the
            // agent's to end (a queue call's record ends with the agent's part).
            return (501, "Transfer Of A Queue Call By The Caller Not Supported")
        }
        if call.convertsVoice {
            return (501, "Transfer Between A-law And mu-law Phones Not Supported")
        }
        if monitors.values.contains(where: { $0.callID == call.id }) {
            return (491, "Call Is Being Monitored")
        }
        return call.canSwapParties ? nil : (491, "Request Pending")
    }

    /// The call's parties change places for a transfer (``Call/swapParties(callerExtension:)``),
    /// the leaving caller's extension and the new caller's name as the directory has them.
    func swapParties(of call: Call) {
        let leaving = call.caller
        call.swapParties(callerExtension: directory[leaving] != nil ? leaving : nil)
        if call.callerName == nil { call.callerName = directory[call.caller]?.displayName }
    }

    /// Hands the caller on to what `number` routes to, for the transfer by the callee's phone
    /// (or, `byCaller`, by the caller's, whose parties change places first); `accepted` runs
    /// first, once the number is known to lead somewhere. False when it does not.
    func startTransfer(
        _ call: Call, byCaller: Bool, to number: String, subscription: ReferSubscription, accepted: () -> Void
    ) -> Bool {
        let now = Date()
        // Out through a trunk as far as the transferring extension may call (a caller from
        // outside transfers nowhere outside), or the forwarding extension transferred to.
        let referring = byCaller ? call.caller : call.answeredLeg.flatMap { call.legs[$0].extensionNumber } ?? call.callee
        // The park code parks the other party, for the transferring extension.
        let parking = dialPlan.parking(number, parker: referring)
        let (routing, outbound, diversion) = followingForwarding(
            parking ?? dialPlan.resolve(number, at: now), outboundFor: referring, at: now)
        guard let ring = ringing(routing.target, now: now, outbound: outbound) else {
            return false
        }
        accepted()
        if byCaller { swapParties(of: call) }
        guard let transferor = call.answeredLeg else { return true }
        logger.info(
            "a phone transfers the other party",
            metadata: [
                "call": "\(call.id)", "from": "\(call.callee)", "to": "\(number)", "by": byCaller ? "caller" : "callee",
            ])
        let transferring = call.legs[transferor].extensionNumber ?? call.callee
        call.transfer = TransferInProgress(
            transferorLeg: transferor, byCaller: byCaller, subscription: subscription,
            startedMusic: playMusicForTransfer(call),
            referredBy: NameAddress(uri: SIPURI(user: transferring, host: configuration.advertisedHost)).serialized,
            transferorSRTP: call.calleeSRTP)
        notifyTransferor(call, sipfrag: "SIP/2.0 100 Trying", final: false)
        beginHandOn(
            call.id, callee: ring.callee, targets: ring.targets, timeout: ring.timeout,
            path: ["transfer:\(number)"] + routing.path, diversion: diversion)
        return true
    }

    /// A request from the transferor's phone while its transfer rings: its BYE lets it go
    /// (the caller stays and the target rings on); nothing else is taken meanwhile. Returns
    /// false when `request` is not from the transferor's dialog.
    func transferorRequest(_ request: SIPRequest, key: TransactionKey, fromTag: String?, call: Call) -> Bool {
        guard let transfer = call.transfer, call.handingOn, call.applicationLeg == transfer.transferorLeg,
            var dialog = call.legs[transfer.transferorLeg].dialog, dialog.remoteTag == fromTag,
            request.headers.callID == dialog.callID
        else { return false }
        guard dialog.acceptRemoteRequest(request) else {
            respond(key, to: request, status: 500, reason: "CSeq Out of Order")
            return true
        }
        call.legs[transfer.transferorLeg].dialog = dialog
        switch request.method {
        case .bye:
            respond(key, to: request, status: 200)
            call.legs[transfer.transferorLeg].dialog = nil
            call.legs[transfer.transferorLeg].state = .failed
            call.transfer?.subscription.notifies = false
            logger.info("the transferor hung up, the target rings on", metadata: ["call": "\(call.id)"])
        case .options:
            var response = SIPResponse(to: request, status: 200)
            response.headers.add("Allow", PBXCore.allowedMethods)
            respond(key, with: response)
        default:
            respond(key, to: request, status: 491)
        }
        return true
    }

    /// The hand-on a transfer began is settled: the transferor hears how (a NOTIFY with the
    /// target's answer or failure) and the caller's music stops once it talks to someone.
    func finishTransfer(_ call: Call, _ result: HandOnResult) {
        guard let transfer = call.transfer else { return }
        switch result {
        case .connected:
            notifyTransferor(call, sipfrag: "SIP/2.0 200 OK", final: true)
            emit(.callTransferred(call.snapshot, by: transfer.byCaller ? "caller" : "callee"))
            // The transferor's hold (its music) ends with its part in the call.
            let wasHeld = !call.heldBy.isEmpty
            call.heldBy.remove(.callee)
            if transfer.startedMusic || !call.heldBy.contains(.caller) { call.media?.stopMusic(toward: .a) }
            if wasHeld, call.heldBy.isEmpty { call.media?.updateTimeoutSuspended(false) }
        case .failed(let busy):
            notifyTransferor(call, sipfrag: busy ? "SIP/2.0 486 Busy Here" : "SIP/2.0 480 Temporarily Unavailable", final: true)
            // The transferor has the caller back: still held (music on) if it held, else talking,
            // under its own keys again.
            if transfer.startedMusic { call.media?.stopMusic(toward: .a) }
            terminateCalleeSRTP(of: call, transfer.transferorSRTP)
            if transfer.byCaller, call.answeredLeg == transfer.transferorLeg {
                // The transferor is the caller again, as the call began.
                call.swapParties(callerExtension: nil)
            }
        case .callEnded:
            break  // the transferor gets the call's BYE
        }
        call.transfer = nil
    }

    /// Music to the caller while the target rings, unless the transferor's hold plays it
    /// already. True when started here.
    private func playMusicForTransfer(_ call: Call) -> Bool {
        guard call.heldBy.isEmpty, let media = call.media, let codec = call.codec(of: .caller),
            MusicOnHold.encodings.contains(codec.encoding.uppercased())
        else { return false }
        media.playMusic(toward: .a, codec: codec)
        return true
    }

    /// A NOTIFY of the transfer's subscription to the transferor (RFC 3515 §2.4.5), if it
    /// still wants them.
    private func notifyTransferor(_ call: Call, sipfrag: String, final: Bool) {
        guard let transfer = call.transfer, transfer.subscription.notifies,
            var dialog = call.legs[transfer.transferorLeg].dialog
        else { return }
        let destination = call.legs[transfer.transferorLeg].destination
        let notify = referNotify(
            in: &dialog, to: destination, user: call.caller, eventID: transfer.subscription.eventID, sipfrag: sipfrag,
            final: final)
        call.legs[transfer.transferorLeg].dialog = dialog
        startClient(notify, to: destination, purpose: .fireAndForget)
        if final { call.transfer?.subscription.notifies = false }
    }
}
