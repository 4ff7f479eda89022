import VPBXSIP
import VPBXSignaling

/// A re-INVITE the engine relayed into the other leg's dialog, kept with its client
/// transaction so that the far side's 2xx is ACKed however often it comes: a phone whose
/// ACK was lost sends its 2xx again and, still unacknowledged after 64·T1, ends the call
/// (RFC 3261 §13.3.1.4). It also outlives the call, whose BYE may cross the 2xx.
final class RelayedInvite {
    /// The far side's dialog as the re-INVITE went out: its tags, target and route set.
    private var dialog: Dialog
    let destination: SIPPeerAddress
    /// The ACK sent for the 2xx; sent again for each retransmission.
    private(set) var ack: SIPRequest?
    /// A 2xx arrived. Its ACK may still wait for the near side's answer to an offer in it.
    var answered = false

    init(dialog: Dialog, destination: SIPPeerAddress) {
        self.dialog = dialog
        self.destination = destination
    }

    /// The 2xx's Contact is the far side's target from now on, for its ACK as well.
    func acceptTargetRefresh(_ response: SIPResponse) {
        self.dialog.acceptTargetRefresh(response)
    }

    /// The ACK for the 2xx to the INVITE with `cseq`, with `body` when it carries the answer
    /// to an offer that 2xx made; kept for the retransmissions.
    func makeAck(cseq: UInt32, via: Via, body: [UInt8] = []) -> SIPRequest {
        let ack = self.dialog.makeAck(
            inviteCSeq: cseq, via: via, body: body, contentType: body.isEmpty ? nil : "application/sdp")
        self.ack = ack
        return ack
    }
}
