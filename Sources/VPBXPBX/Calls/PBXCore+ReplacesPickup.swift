import Foundation
import VPBXSIP
import VPBXSignaling

/// An INVITE with Replaces (RFC 3891) naming the dialog the engine has with a ringing phone:
/// another phone picks that call up. Busy lamp keys of some phones (Snom's, Polycom's, and
/// Yealink's set to it) do this with the call-id and tags the watched extension's
/// `dialog-info` gives for a ringing call, instead of dialling the pickup code; the result
/// is the same as `*8` and the extension (PBXCore+DialledPickup.swift): the phones that ring
/// get CANCEL and the picker is connected to the caller.
///
/// Only a ringing call is taken: the documents give tags for early dialogs only, and a
/// Replaces naming an answered call (which would let any phone that learnt its tags take
/// over a conversation) is declined (603), one naming no dialog of the engine refused with
/// 481 (§3).
extension PBXCore {
    func pickUpByReplacing(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, picker: String) {
        let refuse = pickerRefusal(request, key: key, picker: picker, path: ["pickup:replaces"])
        guard request.headers.values("Replaces").count == 1, let value = request.headers["Replaces"],
            let replaces = ReplacesDialog(headerValue: value)
        else {
            refuse(400, "Bad Replaces")
            return
        }
        let named = calls.values.first { call in
            call.calleeCallID == replaces.callID && call.calleeFromTag == replaces.toTag
                && call.legs.contains { $0.hasEarlyDialog(replaces.fromTag) || $0.dialog?.remoteTag == replaces.fromTag }
        }
        guard let call = named else {
            refuse(481, "Replaced Dialog Not Found")
            return
        }
        let ringing =
            call.answeredLeg == nil && !call.finalSentToCaller && (call.state == .ringing || call.state == .routing)
            && call.legs.contains { !$0.isDone && $0.state == .early && $0.hasEarlyDialog(replaces.fromTag) }
        guard ringing else {
            refuse(603, "Only A Ringing Call Can Be Picked Up")
            return
        }
        guard call.caller != picker else {
            refuse(403, "Own Call")
            return
        }
        connectPicker(request, key: key, source: source, picker: picker, to: call, path: ["pickup:replaces"], refuse: refuse)
    }
}
