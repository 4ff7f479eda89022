import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling

/// Which party of a call: the caller is the A leg (we are its UAS), the callee the B leg (we
/// are its UAC).
enum CallSide: Sendable, Hashable {
    case caller, callee

    var other: CallSide { self == .caller ? .callee : .caller }
    var mediaSide: MediaSide { self == .caller ? .a : .b }
}

/// Finds a call from an in-dialog request: the Call-ID and the tag we chose (To tag of requests
/// sent to us).
struct DialogID: Hashable, Sendable {
    let callID: String
    let localTag: String
}

/// The ACK for a far side's 2xx that carried an offer (it answered a relayed re-INVITE
/// without SDP): sent when the near side's ACK brings the answer.
struct DeferredAck: Sendable {
    /// The side whose 2xx waits for it.
    let toward: CallSide
    let inviteCSeq: UInt32
    /// The relayed re-INVITE's client transaction, which keeps what the ACK is made from.
    let transaction: TransactionKey
    /// The offer the far side's 2xx made, which the near side's ACK answers.
    let offer: SessionDescription
}

/// The server transactions of a call whose 2xx waits for the ACK, by the side that owes it
/// and the INVITE's CSeq number, which the ACK repeats (RFC 3261 §13.2.2.4): a late ACK of
/// an earlier INVITE must not confirm a later one.
struct AwaitedAcks: Sendable {
    private var caller: (key: TransactionKey, cseq: UInt32)?
    private var callee: (key: TransactionKey, cseq: UInt32)?

    mutating func expect(_ key: TransactionKey, cseq: UInt32, from side: CallSide) {
        if side == .caller { caller = (key, cseq) } else { callee = (key, cseq) }
    }

    /// The transaction an ACK from `side` with `cseq` confirms, no longer awaited.
    mutating func take(from side: CallSide, cseq: UInt32) -> TransactionKey? {
        guard let awaited = side == .caller ? caller : callee, awaited.cseq == cseq else { return nil }
        if side == .caller { caller = nil } else { callee = nil }
        return awaited.key
    }

    func contains(_ key: TransactionKey) -> Bool { caller?.key == key || callee?.key == key }

    var isEmpty: Bool { caller == nil && callee == nil }

    /// The transaction gave up on its ACK.
    mutating func remove(_ key: TransactionKey) {
        if caller?.key == key { caller = nil }
        if callee?.key == key { callee = nil }
    }
}

/// A renegotiation the engine relayed and whose answer it waits for.
struct PendingRenegotiation: Sendable {
    /// The phone that sent it.
    let offerer: CallSide
    /// Its server transaction, which the relayed answer completes.
    let server: TransactionKey
}

/// One contact of the callee being rung (parallel forking: first answer wins).
struct CalleeLeg: Sendable {
    /// `early`: some provisional response (100 Trying included) arrived, so a CANCEL may be
    /// sent at once.
    /// `confirming`: answered, but the answer waits for the phone to press 1 (a mobile,
    /// PBXCore+MobileConfirm); ending it takes a BYE.
    enum State: Sendable, Equatable { case trying, early, confirming, answered, failed, cancelled }

    let contact: SIPURI
    let destination: SIPPeerAddress
    private(set) var invite: SIPRequest
    private(set) var transactionKey: TransactionKey
    var state: State = .trying
    /// The trunk this leg rings a public number through (PBXCore+Trunks), and whether its
    /// challenge was answered already (only once: a second means the credentials are wrong).
    var trunk: String?
    /// The trunks that ring the number next, in order, when ``trunk`` cannot carry the call.
    var nextTrunks: [TrunkHop] = []
    /// The public number ``trunk`` rings, as its outbound route writes and shows it.
    var dialling: OutboundDialling?
    private(set) var challengesAnswered = 0
    /// The extension this contact belongs to, when the leg rings an extension (a queue offer
    /// rings several at once and must know which one answered).
    var extensionNumber: String?
    /// The extension whose `--mobile-confirm on` holds this leg's answer until its phone
    /// presses 1 (its mobile, or a number out through a trunk it forwards to); the prompt
    /// is in that extension's language and the path's step names it. Nil: answers count.
    var confirmationFor: String?
    /// Where its answer said it receives RTP: the relay's B side goes back there after a
    /// mobile's question while this leg (an application's) hands its caller on.
    var answerMedia: MediaAddress?
    /// The engine's key offered to this phone (its extension wants SRTP and the call's offer
    /// was plain): its answer's key line is read against it.
    var offeredSRTPKey: SRTPKeyMaterial?
    /// CANCEL must wait for a provisional response (RFC 3261 §9.1).
    var cancelPending = false
    /// Cancelled because the call was answered elsewhere (another contact, a pickup): its
    /// CANCEL says so, and the phone shows no missed call (RFC 3326).
    var answeredElsewhere = false
    var dialog: Dialog?
    /// Re-sent whenever the 2xx is retransmitted, as its bytes (kept up to 64·T1 after the
    /// call ends, in ``EndedLeg``).
    var ack: SerializedSIPMessage?
    /// The answer a provisional response of this contact carried (early media). Its media
    /// may have latched the relay's B side, and another contact answering must have it
    /// latch anew; and a 2xx of this contact without SDP stands by it (RFC 3261 §13.2.1).
    var earlyAnswer: SessionDescription?
    var sentEarlyMedia: Bool { earlyAnswer != nil }
    /// The To tag of this contact's first provisional response: its early dialog, in which
    /// it may send requests before it answers.
    var earlyTag: String?
    /// The tags of further early dialogs of this contact (a proxy or gateway behind it forked
    /// the INVITE, RFC 3261 §12.1.1): empty, so unallocated, for nearly every phone.
    var otherEarlyTags: [String] = []

    /// Whether `tag` is one of this contact's early dialogs.
    func hasEarlyDialog(_ tag: String) -> Bool { earlyTag == tag || otherEarlyTags.contains(tag) }

    /// Notes the To tag of a provisional response: a new early dialog unless it is known.
    mutating func noteEarlyDialog(_ tag: String) {
        if earlyTag == nil {
            earlyTag = tag
        } else if !hasEarlyDialog(tag) {
            otherEarlyTags.append(tag)
        }
    }

    var isDone: Bool { state == .failed || state == .cancelled }

    /// The INVITE sent again in a new transaction, answering a trunk's challenge: CANCEL and
    /// ACK now belong to it.
    mutating func resend(_ invite: SIPRequest, key: TransactionKey) {
        self.invite = invite
        transactionKey = key
        state = .trying
        challengesAnswered += 1
    }
}

/// A B2BUA call: the caller's INVITE and dialog, the callee legs, the media session.
///
/// A class, owned by the core actor's `calls` table and never handed outside it: every
/// message of a call changes a field or two, and a struct of this size cost a full copy (some
/// thirty reference counts) in and out of the table each time.
final class Call {
    let id: UUID
    /// Who the caller is: after a caller's transfer (``swapParties(callerExtension:)``), the
    /// party that was called.
    var caller: String
    var callerName: String?
    /// What is being rung or talked to: an extension number, or an application (`ivr-main`).
    var callee: String
    let inviteKey: TransactionKey
    let invite: SIPRequest
    /// Where requests to the caller go.
    var callerSource: SIPPeerAddress
    var callerDialog: Dialog
    /// The caller's offer; without its SDES keys once the engine terminates its SRTP (``callerSRTP``).
    var offer: SessionDescription
    var callerOrigin: OriginTracker
    var calleeOrigin: OriginTracker
    var media: (any MediaSession)?
    var state: CallSnapshot.State = .routing
    var legs: [CalleeLeg] = []
    var answeredLeg: Int?
    let startedAt: Date
    var answeredAt: Date? { didSet { noteEncryption() } }
    var bestFailure: SIPResponse?
    /// How many of its phones' redirections (3xx) the call followed (``PBXCore/followRedirection(_:call:leg:)``).
    var redirections = 0
    /// The caller's INVITE got its final response.
    var finalSentToCaller = false
    let noAnswerTimeout: Int
    /// Server transactions whose 2xx waits for its ACK, one a side: the callee's re-INVITE
    /// may be answered before the caller has ACKed the call's own 2xx.
    var awaitingAck = AwaitedAcks()
    /// The 2xx answering a phone that picked the call up (`*8`) waits for its ACK too.
    var pickerAwaitingAck: TransactionKey?
    /// The picker's INVITE carried no offer: its 2xx carried the engine's, its ACK answers.
    var pickerLateOffer = false
    /// When the ACK of such a picker points the relay at it, the relay may not stay latched
    /// to whoever sent last (a phone's early media, a park application's music).
    var pickerLatchAway = false
    /// Call-ID and From tag of the B legs; new ones when an application hands the caller on.
    var calleeCallID: String
    var calleeFromTag: String
    /// The Call-IDs and From tags of earlier ringing phases (``PBXCore/startCalleePhase(of:)``),
    /// whose dialogs find the call until it ends: empty for nearly every call.
    var earlierCalleeDialogs: [DialogID] = []
    /// An application handed the answered caller on: the next B leg to answer is connected
    /// without a new answer to the caller.
    var handingOn = false
    /// While handing on, the application's leg: it keeps playing ringback to the caller until
    /// the new leg answers, then gets its BYE.
    var applicationLeg: Int?
    /// While handing on: the application leg to return to if the destination fails.
    var handOnOrigin: HandOnOrigin?
    /// The callee's phone transferred the caller (REFER): the hand-on under way is that
    /// transfer, reported to the transferring phone instead of an application.
    var transfer: TransferInProgress?
    /// The call's parties changed places (``swapParties(callerExtension:)``: the caller's
    /// transfer, a join of two calls alike), seen in ``media`` being a ``PartySwappedMediaSession``.
    var partiesSwapped: Bool { media is PartySwappedMediaSession }
    /// While swapped: the leg of the phone now in the caller's place, restored if the parties
    /// change back; and the display name of the party not in the caller's place.
    var swappedOutLeg: CalleeLeg?
    var otherPartyName: String?
    /// An attended transfer joins this call and another: the moving phone's re-INVITE is out.
    var join: PendingJoin?
    /// Click-to-call (PBXCore+Originate): the engine called the caller's phone, whose 2xx this
    /// acknowledged (sent again for each retransmission of it); the caller hears ringback
    /// until the callee answers. Nil for every call a phone made.
    var callerAck: SerializedSIPMessage?
    var engineCalledCaller: Bool { callerAck != nil }
    /// The callee did not answer (or was busy) and the caller went to voicemail: no second time.
    var divertedToVoicemail = false
    /// The caller withheld its number for this call (`*31`, or its extension's setting):
    /// toward a trunk, From says anonymous and the number goes only in P-Asserted-Identity.
    var withholdsNumber = false
    /// The trunk the caller's call came in through (its credentials answer a challenge of
    /// the engine's BYE toward it); nil for a call from a phone.
    var callerTrunk: String?
    /// How many times the extensions' busy or no-answer forwarding sent the call on.
    var forwards = 0
    /// Why the call's first ringing is not at the number it was sent to (forwarding set on
    /// that extension), for the first legs' Diversion header.
    var initialDiversion: Diversion?
    /// The first extension whose forwarding sent the call on: its voicemail takes the call
    /// when the target does not answer and has no mailbox of its own (a mobile).
    var forwardedFrom: String?
    /// The steps so far (`route:100`, `ivr:main=1`, `ext:1002`), as the CDR keeps them.
    var path: [String] = []
    /// When the current ringing phase gives up; a no-answer timer of an earlier phase (before
    /// an application answered and handed the caller on) finds a later deadline and does nothing.
    var noAnswerAt: ContinuousClock.Instant?
    /// When the current ringing phase gives up, if that is more than a provisional refresh
    /// away: its no-answer timer then waits in steps (``noAnswerAt`` is the next one), each
    /// repeating ``lastProvisional`` to the caller (``PBXConfiguration/provisionalRefreshInterval``).
    var ringingEndsAt: ContinuousClock.Instant?
    /// A mobile answered and is asked to press 1 (PBXCore+MobileConfirm).
    var confirmation: MobileConfirmation?
    /// A question that ended without the mobile left the caller hearing the engine's ringing
    /// (the call rings on): the next answer stops it.
    var callerRingbackFromConfirmation = false
    /// A mobile asked and hung up may still send to the relay's B side, latched to it: the
    /// next far end must latch away from it.
    var calleeLatchStale = false
    /// The last provisional response relayed to the caller, while the call rings.
    var lastProvisional: SIPResponse?
    /// The voice codec each phone was answered with, for music on hold in the right encoding.
    /// Whether a recording of this call was asked for (it is, once a call).
    var recordingStarted = false
    /// The recording's control, once the relay taps the call.
    var recording: (any MediaRecording)?
    /// Whether the recording is paused (asked for before the tap too).
    var recordingPaused = false
    var callerCodec: MusicOnHold.Codec?
    var calleeCodec: MusicOnHold.Codec?
    /// The two phones answered in different G.711 laws and the relay converts between them
    /// (`caller` is the caller's side); nil while packets pass unchanged. Before the answer
    /// (`awaitsAnswer`), and after one in the caller's own law, only what the callee may send
    /// in the law the caller lacks (``PBXCore/offerForCallees(_:of:media:)``).
    var g711Bridge: G711Bridge?
    /// The relay converts between the two phones' voice (not only, as before an answer, what
    /// the callee might send in the law the caller lacks).
    var convertsVoice: Bool { g711Bridge.map { !$0.awaitsAnswer } ?? false }
    /// The caller's SRTP, when the engine terminates it (``SRTPTermination``); ``offer`` is then
    /// the caller's offer without its keys.
    var callerSRTP: SRTPTermination? { didSet { noteEncryption() } }
    /// The answering phone's SRTP, when the engine offered it its own key and terminates it.
    var calleeSRTP: SRTPTermination? { didSet { noteEncryption() } }
    /// The caller's and the answering phone's SRTP pass between them as it is, keys and all
    /// (the relay forwards packets it cannot read): set from the offer and the answer at each
    /// answer of a leg (``PBXCore/connectAnswer(_:call:leg:dialog:ack:)``).
    var srtpEndToEnd = false { didSet { noteEncryption() } }
    /// The audio was encrypted on some leg at some time while the call was answered, for its
    /// CDR (``PBXCore/endCall(_:cause:side:disposition:callerStatus:callerContacts:)``).
    /// Latched, never cleared: a call that was encrypted for part of its conversation (then
    /// handed on to a plain phone, say) was encrypted in that part, which is what an audit asks.
    private(set) var encryptedWhileAnswered = false
    /// The caller's INVITE carried no offer: the engine offered to the callee, the caller's
    /// 2xx carries the offer, and the caller's ACK the answer (RFC 3261 §13.2.1).
    var lateOffer = false
    /// The engine's key in that 2xx's offer, when the caller's extension speaks SRTP.
    var lateOfferSRTPKey: SRTPKeyMaterial?
    /// A relayed re-INVITE without SDP was answered with an offer: its ACK waits for the
    /// answer in the other side's ACK.
    var deferredAck: DeferredAck?
    /// A re-INVITE (or an UPDATE with an offer) relayed to the other phone and not yet
    /// answered: a second one in either direction must wait (RFC 3261 §14, RFC 3311 §5).
    var pendingRenegotiation: PendingRenegotiation?
    /// Which parties hold the call now (their last offer was `sendonly` or `inactive`); the
    /// other party hears music meanwhile.
    var heldBy: Set<CallSide> = []
    /// Whose silence the media session's RTP timeout watches now (both, until told otherwise).
    var silenceWatch = SilenceWatch()
    /// The CSeq number of the caller's INVITE, which its ACK repeats.
    var inviteCSeq: UInt32 { (try? invite.headers.cseq().number) ?? 0 }
    /// Whether the answered B leg is one of the engine's applications (a menu, a queue).
    var answeredByApplication: Bool { answeredLeg.map { legs[$0].destination == Application.peer } ?? false }
    /// The conference room whose application answered the call, if one did.
    var answeringConference: String? {
        guard answeredByApplication, let index = answeredLeg, let user = legs[index].contact.user,
            case .conference(let room) = Application(user: user)
        else { return nil }
        return room
    }

    init(
        id: UUID, caller: String, callerName: String?, callee: String, inviteKey: TransactionKey, invite: SIPRequest,
        callerSource: SIPPeerAddress, callerDialog: Dialog, offer: SessionDescription, callerOrigin: OriginTracker,
        calleeOrigin: OriginTracker, startedAt: Date, noAnswerTimeout: Int, calleeCallID: String,
        calleeFromTag: String
    ) {
        self.id = id
        self.caller = caller
        self.callerName = callerName
        self.callee = callee
        self.inviteKey = inviteKey
        self.invite = invite
        self.callerSource = callerSource
        self.callerDialog = callerDialog
        self.offer = offer
        self.callerOrigin = callerOrigin
        self.calleeOrigin = calleeOrigin
        self.startedAt = startedAt
        self.noAnswerTimeout = noAnswerTimeout
        self.calleeCallID = calleeCallID
        self.calleeFromTag = calleeFromTag
    }

    var answered: CalleeLeg? { answeredLeg.map { legs[$0] } }

    /// Latches ``encryptedWhileAnswered``. Called whenever the answer or a side's SRTP
    /// changes, so the order in which a step sets them does not matter: SRTP terminated
    /// before the answer counts at the answer, SRTP terminated after it (a handed-on
    /// caller's new phone) counts then.
    private func noteEncryption() {
        guard !encryptedWhileAnswered, answeredAt != nil else { return }
        encryptedWhileAnswered = callerSRTP != nil || calleeSRTP != nil || srtpEndToEnd
    }

    /// What a new B leg is offered. Before the caller is answered, the caller's offer; after
    /// (an application answered and hands the caller on), only the codec the caller agreed
    /// and telephone-event: the relay forwards packets as they are, so a new leg answering
    /// another codec from the original offer would send the caller audio it cannot decode.
    var offerForNewLegs: SessionDescription {
        guard answeredAt != nil, let codec = callerCodec,
            let agreed = try? offer.restrictingAudio(to: [codec.encoding, "telephone-event"])
        else { return offer }
        return agreed
    }

    /// The call as its events show it: without ``CallSnapshot/calleeContacts``, which no event
    /// carries. Serialising each ringing leg's contact (and copying the legs to find them)
    /// for every one of a call's four events was about 7 µs a call with a console subscribed
    /// (stop 38).
    var snapshot: CallSnapshot {
        CallSnapshot(
            id: id, caller: caller, callerName: callerName, callee: callee, state: state, startedAt: startedAt,
            heldBy: heldBy.isEmpty ? [] : heldBy.map(\.partyName).sorted(),
            answeredAt: answeredAt, calleeContacts: [],
            callerMediaPort: media?.aPort, calleeMediaPort: media?.bPort,
            recording: recordingStarted ? (recordingPaused ? "paused" : "on") : nil)
    }

    /// The call as `call.list` shows it, with the contacts being rung or connected.
    var snapshotWithContacts: CallSnapshot {
        var snapshot = self.snapshot
        snapshot.calleeContacts = legs.compactMap { $0.isDone ? nil : $0.contact.serialized }
        // As the CDR's flag once answered: keys passed end to end count when the answer had
        // keys too (a best-effort offer answered plain is a plain call); while it rings, the
        // offer is all there is.
        snapshot.encrypted =
            callerSRTP != nil || calleeSRTP != nil || srtpEndToEnd
            || (answeredAt == nil && (offer.firstAudioIndex.map { offer.media[$0].carriesEncryptedMedia } ?? false))
        return snapshot
    }
}

extension Call {
    /// The caller and the answered callee change places, so that the caller's transfer can be
    /// carried out as the callee's: the phone that stays (the one called) becomes the call's
    /// caller, and the transferring phone its answered callee leg, which a hand-on replaces
    /// (PBXCore+Transfer.swift). Everything kept per side moves with its phone: dialogs and
    /// where requests go, SDP origins, codecs, who holds, whose silence is watched, and the
    /// media session's sides (the relay's own sides stay where the phones send; only the
    /// call's view of them turns). The caller's INVITE stays what the call was set up with,
    /// and its offer what new legs are offered, restricted to the codec the kept phone uses.
    ///
    /// Only for an answered call between two phones that converts no voice, with no
    /// renegotiation, ACK or join pending (``canSwapParties``). `callerExtension`: the
    /// transferring phone's extension, if the caller was one (its busy lamp follows the leg).
    func swapParties(callerExtension: String?) {
        guard let index = answeredLeg, let keptDialog = legs[index].dialog else { return }
        let kept = legs[index]
        var leaving: CalleeLeg
        if var original = swappedOutLeg, original.dialog?.callID == callerDialog.callID,
            original.dialog?.localTag == callerDialog.localTag
        {
            // Changing back (the transfer failed): the callee's leg as it was, its dialog as it is.
            original.dialog = callerDialog
            leaving = original
        } else {
            leaving = CalleeLeg(
                contact: callerDialog.remoteTarget, destination: callerSource, invite: invite, transactionKey: inviteKey)
            leaving.state = .answered
            leaving.dialog = callerDialog
            leaving.extensionNumber = callerExtension
            leaving.trunk = callerTrunk
        }
        swappedOutLeg = kept
        legs[index] = leaving
        // The leaving phone's dialog is the B legs' dialog now, found by its ID until the call
        // is forgotten (a hand-on keeps it among the earlier ones).
        calleeCallID = callerDialog.callID
        calleeFromTag = callerDialog.localTag
        callerDialog = keptDialog
        callerSource = kept.destination
        callerTrunk = kept.trunk
        (caller, callee) = (kept.extensionNumber ?? callee, caller)
        (callerName, otherPartyName) = (otherPartyName, callerName)
        swap(&callerOrigin, &calleeOrigin)
        swap(&callerCodec, &calleeCodec)
        // Each phone's SRTP stays on its side of the relay, which the turned session names
        // the other way from now on. Not `swap`: the two properties' observers read both,
        // which an in-place swap of the pair forbids (an exclusivity violation).
        let callerSide = callerSRTP
        callerSRTP = calleeSRTP
        calleeSRTP = callerSide
        heldBy = Set(heldBy.map(\.other))
        silenceWatch = SilenceWatch(caller: silenceWatch.callee, callee: silenceWatch.caller)
        // What the relay was told before the answer converts only the callee's packets in a
        // law the caller lacked; the callee answered in the caller's own, so it converts nothing.
        if g711Bridge != nil {
            g711Bridge = nil
            media?.bridgeG711(nil)
        }
        media = media.map(PartySwappedMediaSession.turning)
    }

    /// Whether ``swapParties(callerExtension:)`` may be done now.
    var canSwapParties: Bool {
        guard let index = answeredLeg, legs[index].dialog != nil, !answeredByApplication, answeredAt != nil,
            finalSentToCaller, state == .answered, media != nil, !handingOn, !convertsVoice, !lateOffer,
            pendingRenegotiation == nil, join == nil, deferredAck == nil, transfer == nil, pickerAwaitingAck == nil
        else { return false }
        return awaitingAck.isEmpty
    }
}
