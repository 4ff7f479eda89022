import Foundation
import VPBXSIP
import VPBXSignaling

/// An attended transfer to a number called out (the receptionist announces a caller to the
/// boss's mobile, then transfers) moves the provider's leg into the caller's call with a
/// re-INVITE the engine starts itself. A provider that challenges every request refused it,
/// and the transfer failed (NOTIFY 407 to the transferring phone). The engine answers that
/// challenge once with the trunk's credentials in a new re-INVITE of the same dialog.
extension PBXCore {
    /// The join's re-INVITE `reInvite`, sent to a provider through `trunk`, is kept in its
    /// client transaction for a challenge (``TrunkChallengeable``).
    func keepJoinForTrunkChallenge(_ reInvite: SIPRequest, client: TransactionKey, trunk: String?) {
        guard let trunk else { return }
        keepForTrunkChallenge(reInvite, client: client, trunk: trunk)
    }

    /// A 401 or 407 to the join's re-INVITE from a trunk's provider: the re-INVITE again with
    /// the trunk's credentials (CSeq one higher, the same offer), its answer completing or
    /// refusing the join as the first one's would have. True when it was sent. Not kept
    /// again: a second challenge means the credentials are wrong, and refuses the join.
    func answerJoinTrunkChallenge(_ response: SIPResponse, donor: Call, client: TransactionKey) -> Bool {
        guard let kept = transactions.clients[client]?.trunkChallenge, let moving = donor.answeredLeg,
            var dialog = donor.legs[moving].dialog
        else { return false }
        let destination = donor.legs[moving].destination
        guard let again = requestAgain(kept, answering: response, in: &dialog, to: destination) else {
            return false
        }
        donor.legs[moving].dialog = dialog
        let retry = startClient(again, to: destination, purpose: .joinReInvite(donor: donor.id))
        transactions.clients[retry]?.relayedInvite = RelayedInvite(dialog: dialog, destination: destination)
        logger.info(
            "attended transfer: the provider's challenge of the join answered",
            metadata: ["donor": "\(donor.id)", "trunk": "\(kept.trunk)", "status": "\(response.statusCode)"])
        return true
    }
}
