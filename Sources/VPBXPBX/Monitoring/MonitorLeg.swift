import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling

/// A supervisor's phone attached to another extension's call (listen, whisper, barge).
///
/// Not a ``Call``: the supervisor's INVITE is answered by the core itself, with media from the
/// monitored call's relay session, and the leg lives exactly as long as both the supervisor
/// stays and the monitored call goes on.
struct MonitorLeg: Sendable {
    let id: UUID
    /// The supervisor's extension, and the extension being listened to.
    let supervisor: String
    let target: String
    /// The monitored call, and which of its parties is the target (the agent).
    let callID: UUID
    let agentSide: CallSide
    var mode: MonitorMode
    /// The supervisor's INVITE and its server transaction (dialled), or ours and its client
    /// transaction (rung from the control socket).
    var inviteKey: TransactionKey
    var invite: SIPRequest
    /// Where the supervisor's phone is: the INVITE's source, or the contact rung.
    let source: SIPPeerAddress
    /// Known from the start when the supervisor dialled; from the 2xx when we rang.
    var dialog: Dialog?
    /// The supervisor's offer (dialled), without its SDES keys (``srtp``); nil when we made
    /// the offer.
    let offer: SessionDescription?
    /// The supervisor phone's SRTP, which the relay terminates: its keys from its offer, or
    /// from its answer to the engine's (``offeredSRTPKey``).
    var srtp: SRTPTermination?
    /// The engine's key in its offer to a supervisor's phone whose extension speaks SRTP.
    var offeredSRTPKey: SRTPKeyMaterial?
    /// Set when the engine rings the supervisor's phone (`monitor.start`).
    var ring: MonitorRing?
    var origin: OriginTracker
    let request: MonitorMediaRequest
    var media: (any MonitorMedia)?
    /// The SDP answered, sent again for a re-INVITE (the session does not change).
    var answerBody: [UInt8]?
    var answeredAt: Date?
    /// Server transaction whose 2xx waits for the supervisor's ACK.
    var awaitingAck: TransactionKey?
    /// The supervisor dialled without an offer: the ACK carries the answer to ours.
    var awaitingAnswer = false
    /// The supervisor's re-INVITE carried no offer: our 2xx offers the session again and the
    /// ACK answers it (RFC 3264 §8), from where its phone now takes the audio. Unlike the
    /// first answer, one missing here leaves the session as it was.
    var awaitingRefreshAnswer = false
    let startedAt: Date

    var dialogID: DialogID? { dialog.map { DialogID(callID: $0.callID, localTag: $0.localTag) } }
}

/// The engine ringing a supervisor's phone to start monitoring (`monitor.start`).
struct MonitorRing: Sendable {
    let contact: SIPURI
    /// Chosen up front, so the CDR written at the start names it.
    let callID: String
    /// A provisional response arrived, so a CANCEL may go out at once (RFC 3261 §9.1).
    var provisional = false
    /// The leg ended before any provisional response: CANCEL once one arrives.
    var cancelPending = false
    /// Re-sent for every retransmitted 2xx.
    var ack: SIPRequest?
}

/// A supervisor on a call, for the control socket and events.
public struct MonitorSnapshot: Sendable, Equatable {
    public var id: UUID
    public var supervisor: String
    public var target: String
    public var callID: UUID
    public var mode: MonitorMode
    public var startedAt: Date
    public var answeredAt: Date?
    /// Whether the engine rang the supervisor (`monitor.start`) rather than the supervisor dialling.
    public var rung: Bool
}

extension MonitorLeg {
    var snapshot: MonitorSnapshot {
        MonitorSnapshot(
            id: id, supervisor: supervisor, target: target, callID: callID, mode: mode, startedAt: startedAt,
            answeredAt: answeredAt, rung: ring != nil)
    }
}
