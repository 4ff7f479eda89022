import Foundation
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Ending calls: CANCEL from the caller, the no-answer timer, BYE, media timeout, hangup from
/// the control socket, shutdown. One path (`endCall`) writes the CDR and frees everything.
extension PBXCore {
    func cancel(_ request: SIPRequest, key: TransactionKey) {
        guard let id = callByInvite[key.cancelTarget()], let call = calls[id] else {
            if cancelMonitor(key) {
                respond(key, to: request, status: 200)
                return
            }
            if cancelRelayedReInvite(request, key: key) { return }
            respond(key, to: request, status: 481)
            return
        }
        respond(key, to: request, status: 200)
        guard call.answeredAt == nil else { return }  // too late: the caller must send BYE
        endCall(id, cause: "CANCEL", side: .caller, disposition: .cancelled, callerStatus: 487)
    }

    func noAnswerTimeout(call id: UUID) {
        guard let call = calls[id], call.answeredLeg == nil, call.state != .ending else { return }
        // A timer of an earlier ringing phase (timers fire on a 10 ms tick: allow for it).
        if let due = call.noAnswerAt, ContinuousClock.now < due - .milliseconds(50) { return }
        if let ends = call.ringingEndsAt, ContinuousClock.now < ends - .milliseconds(50) {
            return ringingGoesOn(call, id: id, until: ends)
        }
        if forwardOnFailure(id, busy: false) { return }
        if divertToVoicemail(id, busy: false) { return }
        if returnToApplication(id, busy: false) { return }
        // A caller handed on by an application was answered already: the call stays answered.
        let disposition: CallDisposition? = call.answeredAt == nil ? .noAnswer : nil
        endCall(id, cause: "no_answer_timeout", side: .system, disposition: disposition, callerStatus: 480)
    }

    /// A phone never acknowledged our 2xx (timer L/H), to its INVITE or to a re-INVITE we
    /// relayed: RFC 3261 §13.3.1.4 has the session end with BYE. For a re-INVITE without SDP
    /// this also releases the far side, whose 2xx waits for the answer in that ACK.
    func ackNeverArrived(serverKey: TransactionKey) {
        if monitorAckNeverArrived(serverKey) { return }
        if byeWhenAckNeverCame(serverKey: serverKey) { return }
        // A re-INVITE's transaction is in no index: the search is over calls, once per
        // timed-out ACK (rare), not per message.
        guard let id = callByInvite[serverKey] ?? calls.values.first(where: { $0.awaitingAck.contains(serverKey) })?.id,
            let call = calls[id], call.awaitingAck.contains(serverKey)
        else { return }
        call.awaitingAck.remove(serverKey)  // the BYE need not wait for it any longer
        endCall(id, cause: "ack_timeout", side: .system, disposition: nil)
    }

    /// Hangs up a call from the control socket. Returns false when there is no such call.
    public func hangup(callID id: UUID) -> Bool {
        if originations[id] != nil {
            endOrigination(id, cause: "hangup_by_operator", disposition: .cancelled)
            return true
        }
        guard calls[id] != nil else { return false }
        endCall(id, cause: "hangup_by_operator", side: .system, disposition: nil, callerStatus: 480)
        return true
    }

    /// Tears a call down from wherever it is.
    /// - Parameters:
    ///   - side: who ended it; that side gets no BYE.
    ///   - disposition: nil lets the state decide (answered, or failed before answer).
    ///   - callerStatus: the final response for an unanswered caller.
    ///   - callerContacts: `Contact` values for that response (a redirection's targets).
    func endCall(
        _ id: UUID, cause: String, side: HangupSide, disposition: CallDisposition?, callerStatus: Int = 480,
        callerContacts: [String] = []
    ) {
        guard let call = calls[id], call.state != .ending else { return }
        call.state = .ending
        cancelNoAnswerTimer(of: call, id: id)
        if !call.finalSentToCaller {
            call.finalSentToCaller = true
            var final = SIPResponse(to: call.invite, status: callerStatus, toTag: call.callerDialog.localTag)
            for contact in callerContacts { final.headers.add("Contact", contact) }
            respond(call.inviteKey, with: final)
        } else if call.answeredAt != nil || call.engineCalledCaller, side != .caller {
            var dialog = call.callerDialog
            let bye = dialog.makeRequest(.bye, via: newVia(for: call.callerSource), contact: nil)
            call.callerDialog = dialog
            sendCallerBye(bye, of: call)
        }
        // Each leg read in place, not copied out (see calleeAnswered).
        for index in call.legs.indices {
            let state = call.legs[index].state
            if state == .answered, side != .callee, var dialog = call.legs[index].dialog {
                let destination = call.legs[index].destination
                let bye = dialog.makeRequest(.bye, via: newVia(for: destination), contact: nil)
                sendBye(bye, to: destination, trunk: call.legs[index].trunk)
            } else if !call.legs[index].isDone, state != .answered {
                cancelLeg(at: index, of: call)
            }
        }
        endMonitors(ofCall: id)
        call.media?.closeWithoutWaiting()
        settleHandOn(of: call, origin: call.handOnOrigin, .callEnded)
        // A join waiting for the moving phone: the keeper may be joined again once the donor
        // is gone; a gone keeper is the response's to handle (the phone then sends nowhere).
        if let join = call.join, join.donor == id { calls[join.keeper]?.join = nil }
        let now = Date()
        let final: CallDisposition = disposition ?? (call.answeredAt != nil ? .answered : .failed)
        // Written once, here, rather than when it became true: encryption can start at several
        // steps (the answer, a pickup, a phone that takes over a handed-on caller), and here
        // it follows them all, in the finish's batch, costing a plain call nothing. The price:
        // a call cut off by a crash is recovered unencrypted (not confirmed).
        if call.encryptedWhileAnswered { writes.enqueue(.cdrEncrypted(id: id)) }
        writes.enqueue(
            .cdrFinish(id: id, answeredAt: call.answeredAt, endedAt: now, disposition: final, cause: cause, hangupSide: side))
        emit(.callEnded(call.snapshot, disposition: final.rawValue, cause: cause))
        forget(call)
        checkDrained()
        // Legs still waiting for a CANCEL to be sent keep the call reachable through their
        // transactions; the call record itself is gone, so late answers are hung up as strays.
    }

    private func forget(_ call: Call) {
        calls[call.id] = nil
        callByInvite[call.inviteKey] = nil
        callByDialog[DialogID(callID: call.callerDialog.callID, localTag: call.callerDialog.localTag)] = nil
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = nil
        for earlier in call.earlierCalleeDialogs { callByDialog[earlier] = nil }
        pendingDestinations[call.id] = nil
        endedCalls.add(call.legs.map(EndedLeg.init), of: call.id, endedAt: ContinuousClock.now)
    }
}
