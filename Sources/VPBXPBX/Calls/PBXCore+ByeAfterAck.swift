import VPBXSIP
import VPBXSignaling

/// A BYE held back until the caller has ACKed the call's 2xx.
struct ByeAwaitingAck {
    let bye: SIPRequest
    let destination: SIPPeerAddress
    /// The trunk the caller came through, whose credentials answer a challenge of the BYE.
    let trunk: String?
    /// The caller's INVITE transaction, whose 2xx waits for the ACK.
    let serverKey: TransactionKey
    /// That INVITE's CSeq number, which its ACK carries (RFC 3261 §13.2.2.4).
    let inviteCSeq: UInt32
}

/// RFC 3261 §15: the callee's side of a dialog "MUST NOT send a BYE on a confirmed dialog
/// until it has received an ACK for its 2xx response or until the server transaction times
/// out". Toward the caller the engine is that side: a call the callee (or the operator, or
/// an application) ends within the caller's round trip of its answer would otherwise reach
/// the caller as a BYE ahead of the ACK it is sending, and the call's 2xx, its ACK taken for
/// nothing once the call was gone, went on being resent for 32 s.
extension PBXCore {
    /// Sends `bye` to the caller now, or once its ACK for the call's 2xx has come.
    func sendCallerBye(_ bye: SIPRequest, of call: Call) {
        let key = call.inviteKey
        guard call.awaitingAck.contains(key) else {
            sendBye(bye, to: call.callerSource, trunk: call.callerTrunk)
            return
        }
        let dialog = DialogID(callID: call.callerDialog.callID, localTag: call.callerDialog.localTag)
        byesAwaitingAck[dialog] = ByeAwaitingAck(
            bye: bye, destination: call.callerSource, trunk: call.callerTrunk, serverKey: key, inviteCSeq: call.inviteCSeq)
    }

    /// An ACK for a call that has ended: if its BYE waited for it, the 2xx is acknowledged
    /// and the BYE goes. True when the ACK was such a one (its dialog's, and the INVITE's
    /// CSeq: not a late ACK of some other 2xx).
    func byeWhenAcknowledged(_ ack: SIPRequest, dialog: DialogID) -> Bool {
        guard let cseq = try? ack.headers.cseq().number, byesAwaitingAck[dialog]?.inviteCSeq == cseq,
            let waiting = byesAwaitingAck.removeValue(forKey: dialog)
        else { return false }
        runServer(waiting.serverKey) { txn in txn.acknowledged() }
        sendBye(waiting.bye, to: waiting.destination, trunk: waiting.trunk)
        return true
    }

    /// The engine stops: every BYE still waiting goes now.
    func sendByesAwaitingAck() {
        for waiting in byesAwaitingAck.values { sendBye(waiting.bye, to: waiting.destination, trunk: waiting.trunk) }
        byesAwaitingAck.removeAll()
    }

    /// The caller never ACKed: the 2xx has given up, and the BYE goes all the same. True when
    /// `serverKey` had a BYE waiting.
    func byeWhenAckNeverCame(serverKey: TransactionKey) -> Bool {
        guard let dialog = byesAwaitingAck.first(where: { $0.value.serverKey == serverKey })?.key,
            let waiting = byesAwaitingAck.removeValue(forKey: dialog)
        else { return false }
        sendBye(waiting.bye, to: waiting.destination, trunk: waiting.trunk)
        return true
    }
}
