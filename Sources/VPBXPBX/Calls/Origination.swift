import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling
import VPBXSRTP

/// Click-to-call before the asking phone answers: the engine rings the extension that asked
/// for the call (an agent clicking a number in the CRM), and only once its phone answers is
/// there a ``Call``, with that phone in the caller's place and the number dialled for it
/// (``PBXCore/originate(from:to:autoAnswer:)``).
///
/// Not a ``Call`` while it rings: the call's caller leg is the engine's UAS dialog everywhere
/// else, and until the phone answers there is neither a dialog nor a callee to ring.
struct Origination: Sendable {
    let id: UUID
    /// The extension whose phone is rung, and who the call is from once it answers.
    let caller: String
    let callerName: String?
    /// What is dialled for it once its phone answers.
    let number: String
    /// The phone is asked to answer by itself (a headset agent's softphone).
    let autoAnswer: Bool
    let contact: SIPURI
    let destination: SIPPeerAddress
    /// Chosen up front, so the CDR written at the start names it.
    let callID: String
    /// Ours, once the media session is ready and it went out.
    var invite: SIPRequest?
    var inviteKey: TransactionKey?
    var origin: OriginTracker
    var media: (any MediaSession)?
    /// The engine's key offered to the phone (its extension wants SRTP): its answer's key
    /// line is read against it.
    var offeredSRTPKey: SRTPKeyMaterial?
    /// A provisional response arrived, so a CANCEL may go out at once (RFC 3261 §9.1).
    var provisional = false
    /// Given up before any provisional response: CANCEL once one arrives.
    var cancelPending = false
    let startedAt: Date
    let noAnswerTimeout: Int
    /// When the phone's ringing is given up (its no-answer timer, cancelled once it answers).
    var noAnswerAt: ContinuousClock.Instant?

    /// As `call.list` and events show it: dialling, the caller's phone ringing.
    var snapshot: CallSnapshot {
        CallSnapshot(
            id: id, caller: caller, callerName: callerName, callee: number, state: .routing, startedAt: startedAt,
            heldBy: [], answeredAt: nil, calleeContacts: [], callerMediaPort: media?.aPort,
            calleeMediaPort: media?.bPort)
    }
}

/// Why ``PBXCore/originate(from:to:autoAnswer:)`` refused.
public struct OriginateError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The extension or the number is unknown.
        case notFound
        /// Neither can be rung now (disabled, no phone registered, no media ports).
        case conflict
    }

    public let kind: Kind
    public let description: String
}
