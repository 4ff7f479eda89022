import Foundation
import VPBXSDP
import VPBXSIP
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
    let inviteKey: TransactionKey
    let invite: SIPRequest
    let source: SIPPeerAddress
    var dialog: Dialog
    let offer: SessionDescription
    var origin: OriginTracker
    let request: MonitorMediaRequest
    var media: (any MonitorMedia)?
    /// The SDP answered, sent again for a re-INVITE (the session does not change).
    var answerBody: [UInt8]?
    var answeredAt: Date?
    /// Server transaction whose 2xx waits for the supervisor's ACK.
    var awaitingAck: TransactionKey?
    let startedAt: Date

    var dialogID: DialogID { DialogID(callID: dialog.callID, localTag: dialog.localTag) }
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
}

extension MonitorLeg {
    var snapshot: MonitorSnapshot {
        MonitorSnapshot(
            id: id, supervisor: supervisor, target: target, callID: callID, mode: mode, startedAt: startedAt,
            answeredAt: answeredAt)
    }
}
