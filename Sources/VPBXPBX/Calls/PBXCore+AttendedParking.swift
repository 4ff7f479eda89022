import Foundation
import VPBXSIP
import VPBXSignaling

/// Parking by attended transfer, the way Asterisk's 700 is used with a phone's Transfer key:
/// the phone holds its caller, dials the park code (`*70`), hears the slot the park
/// application reserved for it ("parking slot three", ``ParkApplication``), and presses
/// Transfer. Its REFER names the two calls (Replaces), as for any attended transfer, but the
/// consultation is with one of the engine's applications, which takes no re-INVITE: the
/// engine parks the held caller on the reserved slot instead (a blind transfer to the park
/// code and that slot, for the transferring extension) and ends the consultation.
extension PBXCore {
    /// The parker's consultation of the park code, its reserved slot (nil: none yet, and none
    /// asked for), and the held call with the parker's side in it, when `call` and `other`
    /// (the two calls an attended transfer names, the parker on `side` and `otherSide` of
    /// them) are that.
    func parkingConsultation(_ call: Call, _ side: CallSide, _ other: Call, _ otherSide: CallSide)
        -> (consult: Call, slot: Int?, held: Call, heldSide: CallSide)?
    {
        if isParkingConsultation(call, parkerSide: side) { return (call, reservedSlot(of: call), other, otherSide) }
        if isParkingConsultation(other, parkerSide: otherSide) { return (other, reservedSlot(of: other), call, side) }
        return nil
    }

    private func isParkingConsultation(_ call: Call, parkerSide: CallSide) -> Bool {
        guard parkerSide == .caller, call.answeredByApplication, !call.handingOn, let index = call.answeredLeg,
            let user = call.legs[index].contact.user, case .park(let parker, _) = Application(user: user)
        else { return false }
        return parker == call.caller
    }

    /// The slot the consultation reserved; before the application got to reserve one (a
    /// phone transferring the instant it was answered), the slot it asked for, if any.
    private func reservedSlot(of consult: Call) -> Int? {
        if let slot = parking.reservedSlot(applicationCallID: consult.calleeCallID) { return slot }
        guard let index = consult.answeredLeg, let user = consult.legs[index].contact.user,
            case .park(_, let slot) = Application(user: user)
        else { return nil }
        return slot
    }

    /// Parks `held`'s other party on `slot` for the parker (on `heldSide` of it) and ends the
    /// consultation; the REFER (in `referCall`, from `referSide`) is answered 202 and its
    /// NOTIFYs follow the transfer (in the held call) or say it is done at once (in the
    /// consultation, which ends).
    func parkByAttendedTransfer(
        _ request: SIPRequest, key: TransactionKey, referCall: Call,
        consultation: (consult: Call, slot: Int?, held: Call, heldSide: CallSide)
    ) {
        let (consult, slot, held, heldSide) = consultation
        guard held.answeredLeg != nil, !held.answeredByApplication, held.answeredAt != nil, !held.handingOn,
            held.state == .answered, held.media != nil, held.pendingRenegotiation == nil, held.join == nil,
            held.transfer == nil
        else {
            respond(key, to: request, status: 491)
            return
        }
        if heldSide == .caller, let (status, reason) = swapRefusal(held) {
            respond(key, to: request, status: status, reason: reason)
            return
        }
        // No slot known: the first free one, as a blind transfer to the code alone.
        let code = dialPlan.featureCodes.code(of: .park) + (slot.map(String.init) ?? "")
        let subscription = ReferSubscription(request)
        let inHeldCall = referCall.id == held.id
        let started = startTransfer(
            held, byCaller: heldSide == .caller, to: code, subscription: inHeldCall ? subscription : .none
        ) {
            self.acceptRefer(request, key: key, subscription: subscription)
        }
        guard started else {
            respond(key, to: request, status: 404, reason: "Transfer Target Not Found")
            return
        }
        if !inHeldCall, subscription.notifies {
            // The consultation ends now: its NOTIFYs say so before its BYE.
            var dialog = consult.callerDialog
            for (sipfrag, final) in [("SIP/2.0 100 Trying", false), ("SIP/2.0 200 OK", true)] {
                let notify = referNotify(
                    in: &dialog, to: consult.callerSource, user: consult.callee, eventID: subscription.eventID,
                    sipfrag: sipfrag, final: final)
                startClient(notify, to: consult.callerSource, purpose: .fireAndForget)
            }
            consult.callerDialog = dialog
        }
        endCall(consult.id, cause: "parked", side: .system, disposition: nil)
        logger.info(
            "attended transfer to the park code: parking the held call",
            metadata: [
                "call": "\(held.id)", "slot": "\(slot.map(String.init) ?? "any")", "consultation": "\(consult.id)",
            ])
    }
}
