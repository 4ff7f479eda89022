import Foundation
import VPBXSIP
import VPBXSignaling

/// A provider that challenges in-dialog requests: a phone's re-INVITE that the engine relays
/// to a trunk's side (a new address or codec, a session refresh; holds the engine answers
/// itself), an UPDATE or an INFO may get a 401 or 407. Relayed back, it reached a phone that
/// has no credentials for the provider, and the change failed. The engine answers it once itself with the
/// trunk's credentials, in a new request of the same dialog (CSeq one higher), whose answer
/// is relayed to the phone as the first one's would have been.
extension PBXCore {
    /// The trunk the relay of a request toward `target` goes through, if any.
    func trunkOfSide(_ target: CallSide, of call: Call) -> String? {
        if target == .caller { return call.callerTrunk }
        return call.answeredLeg.flatMap { call.legs[$0].trunk }
    }

    /// Marks the client transaction `client`, relaying `request` to a trunk's provider, as
    /// one whose challenge the engine answers.
    func keepForTrunkChallenge(_ request: SIPRequest, client: TransactionKey, trunk: String) {
        transactions.clients[client]?.trunkChallenge = TrunkChallengeable(request: request, trunk: trunk)
    }

    /// A relayed request's 401 or 407 from a trunk's provider: sends the request again with
    /// the trunk's credentials, the new transaction answering the phone's in its place. True
    /// when it was sent (the challenge is then not relayed).
    func answerRelayedTrunkChallenge(
        _ response: SIPResponse, call id: UUID, answering key: TransactionKey, toward target: CallSide,
        client: TransactionKey
    ) -> Bool {
        guard let kept = transactions.clients[client]?.trunkChallenge, let call = calls[id], call.state != .ending
        else { return false }
        let destination: SIPPeerAddress
        var dialog: Dialog
        if target == .caller {
            destination = call.callerSource
            dialog = call.callerDialog
        } else {
            guard let index = call.answeredLeg, let legDialog = call.legs[index].dialog else { return false }
            destination = call.legs[index].destination
            dialog = legDialog
        }
        guard let again = requestAgain(kept, answering: response, in: &dialog, to: destination) else {
            return false
        }
        if target == .caller {
            call.callerDialog = dialog
        } else if let index = call.answeredLeg {
            call.legs[index].dialog = dialog
        }
        // Not kept again: a second challenge means the credentials are wrong, and goes to the phone.
        let retry = startClient(again, to: destination, purpose: .relayed(call: id, answering: key, toward: target))
        if again.method == .invite, let entry = transactions.clients[retry] {
            entry.relayedInvite = RelayedInvite(dialog: dialog, destination: destination)
            transactions.relayedInviteByServer[key] = retry
        }
        return true
    }

    /// `kept`'s request again in `dialog` (its next CSeq, a new Via toward `destination`),
    /// with the same body and Contact and the trunk's answer to `response`'s challenge; nil
    /// when `response` is no 401 or 407 or the trunk has no credentials for it. Shared by a
    /// relayed request and the engine's own (an attended transfer's join).
    func requestAgain(
        _ kept: TrunkChallengeable, answering response: SIPResponse, in dialog: inout Dialog,
        to destination: SIPPeerAddress
    ) -> SIPRequest? {
        let request = kept.request
        guard response.statusCode == 401 || response.statusCode == 407, let trunk = trunk(named: kept.trunk),
            let answer = Self.credentials(of: trunk, answering: response, method: request.method, uri: request.uri)
        else { return nil }
        var again = dialog.makeRequest(
            request.method, via: newVia(for: destination), contact: nil, body: request.body,
            contentType: request.body.isEmpty ? nil : request.headers.contentType)
        if let contact = request.headers["Contact"] { again.headers.add("Contact", contact) }
        again.headers.add(answer.header.name, answer.header.value)
        return again
    }
}

/// A relayed request toward a trunk, kept until its answer in case the provider challenges
/// it (``PBXCore/answerRelayedTrunkChallenge(_:call:answering:toward:client:)``). A class: a
/// client entry holds a reference, not the request's bytes, for the many that never need it.
final class TrunkChallengeable {
    let request: SIPRequest
    let trunk: String

    init(request: SIPRequest, trunk: String) {
        self.request = request
        self.trunk = trunk
    }
}
