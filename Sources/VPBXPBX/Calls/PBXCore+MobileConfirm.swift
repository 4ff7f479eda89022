import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling

/// Confirmed answers: a mobile extension's mobile presses 1 before it gets the call.
///
/// A mobile extension rings its mobile through a trunk beside its phones. A mobile that is
/// off, out of reach or busy is answered by its network's voicemail, which then takes the
/// caller from the exchange (its own voicemail, its forwarding, the other phones still
/// ringing). With `vpbx ext set N --mobile-confirm on` (FreePBX's "Confirm Calls" of
/// follow-me, Asterisk's screening on Dial) the mobile's 2xx is acknowledged but not passed
/// on: the engine plays the mobile a prompt ("press 1 to take the call") and listens for its
/// key, while the caller hears ringing and the phones ring on. 1 makes the mobile's answer the
/// call's; another key, the mobile hanging up, or no key within ``PBXConfiguration/mobileConfirmTimeout`` ends
/// the mobile's leg as a failed one: the phones ring on, and when nothing is left to ring the
/// call goes where an unanswered call goes (forwarding, voicemail). A phone answering first
/// hangs the mobile up.
///
/// A call handed on by one of the engine's applications (a menu's choice) or a blind
/// transfer asks too: the relay's B side, which the application (or the transferring phone)
/// holds while the mobile rings, is lent to the mobile for the question and given back if it
/// does not take the call. Keys count as RFC 4733 events and as tones in the audio (in-band
/// DTMF, for networks that send no events). A mobile whose answer has no G.711 cannot be
/// asked (the engine could neither play the prompt nor hear a tone): its answer takes the
/// call, as without the option, and a warning is logged.
struct MobileConfirmation: Sendable {
    /// The leg asked.
    let leg: Int
    /// Its 2xx, which becomes the call's answer on 1.
    let response: SIPResponse
    let dialog: Dialog
    let ack: SerializedSIPMessage
    let deadline: ContinuousClock.Instant
    /// Where the relay's B side goes back to if the mobile does not take the call: the
    /// application's (or transferring phone's) media; nil when nothing had it (a call still
    /// ringing, a click-to-call).
    let farEndBefore: MediaAddress?
    /// Whether the engine plays the caller ringing for the question (not when the caller
    /// already hears music on hold or a click-to-call's ringing).
    let ringsCaller: Bool
}

extension PBXCore {
    /// The prompt the mobile hears, in its extension's language.
    static let confirmationPrompt = "confirm-call"

    /// Holds the answer of leg `index` (acknowledged, `confirmationFor` set) until its phone presses
    /// 1. Returns false when the answer is to go through at once (it cannot be asked).
    func awaitConfirmation(
        _ response: SIPResponse, call: Call, leg index: Int, dialog: Dialog, ack: SerializedSIPMessage
    ) -> Bool {
        let extensionNumber = call.legs[index].confirmationFor ?? call.callee
        if call.confirmation != nil {
            // One question at a time on the relay's B side: a second mobile answering
            // meanwhile (two mobile extensions rung together) is hung up as unanswered.
            call.legs[index].dialog = dialog
            hangUpUnconfirmed(call.legs[index])
            confirmationFailed(call: call, leg: index, outcome: "busy")
            return true
        }
        // The far end the relay's B side has now, to give back: the application's leg (or
        // the transferring phone's) while handing on.
        let farEndBefore = call.handingOn ? call.applicationLeg.flatMap { call.legs[$0].answerMedia } : nil
        guard let media = call.media, let answer = sdp(of: response) ?? call.legs[index].earlyAnswer,
            let codec = answer.voiceCodec, MusicOnHold.encodings.contains(codec.encoding),
            let endpoint = answer.audioEndpoint
        else {
            logger.warning(
                "mobile answered without G.711: it cannot be asked to press 1, its answer takes the call",
                metadata: ["call": "\(call.id)", "extension": "\(extensionNumber)"])
            return false
        }
        guard !call.handingOn || call.applicationLeg == nil || farEndBefore != nil else {
            // A caller's own transfer: the transferring phone's media is not known as a leg's
            // answer, so the relay could not be given back.
            logger.warning(
                "mobile answered a call whose far end cannot be given back after a question: its answer takes the call",
                metadata: ["call": "\(call.id)", "extension": "\(extensionNumber)"])
            return false
        }
        let deadline = schedule(.confirmationTimeout(call.id), after: configuration.mobileConfirmTimeout)
        // A caller on hold, or being transferred, hears music already, a click-to-call's the
        // engine's ringing.
        let ringsCaller =
            call.heldBy.isEmpty && call.transfer?.startedMusic != true
            && !(call.engineCalledCaller && call.answeredAt == nil)
        call.confirmation = MobileConfirmation(
            leg: index, response: response, dialog: dialog, ack: ack, deadline: deadline, farEndBefore: farEndBefore,
            ringsCaller: ringsCaller)
        call.legs[index].state = .confirming
        call.legs[index].dialog = dialog
        call.legs[index].ack = ack
        if farEndBefore != nil {
            // The application keeps sending: it may not keep the latch.
            Task {
                await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port)
                await media.relatch(side: .b, awayFromCurrent: true)
            }
        } else {
            media.updateRemote(side: .b, host: endpoint.address, port: endpoint.port)
            // A phone's early media may have latched the relay's B side.
            if call.legs.indices.contains(where: { $0 != index && call.legs[$0].sentEarlyMedia }) {
                Task { await media.relatch(side: .b) }
            }
        }
        let language = directory[extensionNumber]?.language == .en ? "en" : "hu"
        media.playPrompt(Self.confirmationPrompt, language: language, toward: .b, codec: codec)
        // The caller hears ringing, not the mobile (its user's "hello?", a voicemail greeting).
        if ringsCaller,
            let ringback = call.offer.firstG711Codec(preferring: call.callerCodec?.encoding ?? codec.encoding)
        {
            media.playRingback(toward: .a, codec: call.callerCodec ?? ringback)
        }
        let post = inputSink
        let id = call.id
        // Its keys as RFC 4733 events if its SDP has them, and as tones in its audio either way.
        media.watchDigits(from: .b, eventPayloadType: answer.telephoneEventPayloadType, voice: codec) { digit in
            post(.confirmationKey(id, index, digit))
        }
        logger.info(
            "mobile answered; asked to press 1", metadata: ["call": "\(call.id)", "extension": "\(extensionNumber)"])
        emit(.callConfirming(call.snapshot, extensionNumber: extensionNumber))
        return true
    }

    /// A key from the mobile asked: 1 takes the call, any other refuses it.
    func confirmationKey(call id: UUID, leg index: Int, _ digit: Character) {
        guard let call = calls[id], let confirmation = call.confirmation, confirmation.leg == index,
            call.legs[index].state == .confirming
        else { return }
        guard digit == "1" else {
            unconfirmed(call: call, outcome: "refused")
            return
        }
        // The answer's own path (connectAnswer, endConfirmation) ends the question.
        call.path.append("confirm:\(call.legs[index].confirmationFor ?? call.callee)=accepted")
        writes.enqueue(.cdrPath(id: id, path: call.path))
        logger.info("mobile pressed 1: it takes the call", metadata: ["call": "\(id)"])
        connectAnswer(confirmation.response, call: call, leg: index, dialog: confirmation.dialog, ack: confirmation.ack)
    }

    func confirmationTimedOut(call id: UUID) {
        // A stale timer (an earlier question's) is told by its deadline; timers fire on a
        // 10 ms tick, so allow for it.
        guard let call = calls[id], let confirmation = call.confirmation,
            ContinuousClock.now >= confirmation.deadline - .milliseconds(50)
        else { return }
        unconfirmed(call: call, outcome: "timeout")
    }

    /// The mobile asked hung up before pressing 1 (its BYE, answered already).
    func unconfirmedLegHungUp(call: Call) {
        unconfirmed(call: call, outcome: "hung-up", sendBye: false)
    }

    /// The mobile asked did not take the call: BYE (unless it hung up itself), the relay
    /// given back, the leg failed.
    private func unconfirmed(call: Call, outcome: String, sendBye: Bool = true) {
        guard let confirmation = call.confirmation else { return }
        if !sendBye { call.legs[confirmation.leg].state = .failed }
        stopAsking(call, restoringFarEnd: true)
        confirmationFailed(call: call, leg: confirmation.leg, outcome: outcome)
    }

    /// Stops the question (timer, prompt, keys), hangs the mobile up if it is still asked,
    /// and leaves the relay for what comes next: given back to the application or the
    /// transferring phone (`restoringFarEnd`), or, with nothing to give back to, the caller
    /// kept ringing and the B side to latch away from the mobile at the next answer. Without
    /// `restoringFarEnd` another answer takes the relay now.
    func stopAsking(_ call: Call, restoringFarEnd: Bool) {
        guard let confirmation = call.confirmation else { return }
        call.confirmation = nil
        cancelConfirmationTimer(confirmation, of: call)
        if call.legs[confirmation.leg].state == .confirming { hangUpUnconfirmed(call.legs[confirmation.leg]) }
        guard let media = call.media else { return }
        media.stopWatchingDigits(from: .b)
        media.stopMusic(toward: .b)
        if restoringFarEnd, let before = confirmation.farEndBefore {
            if confirmation.ringsCaller { media.stopMusic(toward: .a) }
            Task {
                await media.setRemote(side: .b, host: before.host, port: before.port)
                await media.relatch(side: .b, awayFromCurrent: true)
            }
            return
        }
        if confirmation.ringsCaller {
            if restoringFarEnd { call.callerRingbackFromConfirmation = true } else { media.stopMusic(toward: .a) }
        }
        call.calleeLatchStale = true
    }

    /// Before another far end takes the relay's B side (an answer, a pickup): the ringing a
    /// question left playing to the caller stops. Returns whether the B side must latch away
    /// from where it is (a mobile that was asked may still send).
    func clearConfirmationLeftovers(of call: Call) -> Bool {
        if call.callerRingbackFromConfirmation {
            call.callerRingbackFromConfirmation = false
            call.media?.stopMusic(toward: .a)
        }
        defer { call.calleeLatchStale = false }
        return call.calleeLatchStale
    }

    /// As a leg's answer becomes the call's (``connectAnswer``): the question ends, the
    /// mobile asked hung up if it is not the one answering.
    func endConfirmation(of call: Call, answeredBy index: Int) {
        guard let confirmation = call.confirmation else { return }
        guard confirmation.leg == index else {
            call.legs[confirmation.leg].answeredElsewhere = true
            stopAsking(call, restoringFarEnd: false)
            call.legs[confirmation.leg].state = .cancelled
            return
        }
        call.confirmation = nil
        cancelConfirmationTimer(confirmation, of: call)
        guard let media = call.media else { return }
        media.stopWatchingDigits(from: .b)
        media.stopMusic(toward: .b)
        if confirmation.ringsCaller { media.stopMusic(toward: .a) }
    }

    /// BYE to a leg answered but not confirmed (its dialog is up, so CANCEL will not do).
    func hangUpUnconfirmed(_ leg: CalleeLeg) {
        guard var dialog = leg.dialog else { return }
        let bye = dialog.makeRequest(.bye, via: newVia(for: leg.destination), contact: nil)
        sendBye(bye, to: leg.destination, trunk: leg.trunk)
    }

    /// The leg counts as failed (480, as a mobile out of reach would): the other contacts
    /// ring on, and with none left the call goes where an unanswered one goes.
    private func confirmationFailed(call: Call, leg index: Int, outcome: String) {
        call.legs[index].state = .failed
        noteDialogChange()
        call.path.append("confirm:\(call.legs[index].confirmationFor ?? call.callee)=\(outcome)")
        writes.enqueue(.cdrPath(id: call.id, path: call.path))
        logger.info("mobile did not take the call", metadata: ["call": "\(call.id)", "outcome": "\(outcome)"])
        let failure = SIPResponse(to: call.legs[index].invite, status: 480, reason: "Not Confirmed")
        if PBXCore.failurePriority(480) > PBXCore.failurePriority(call.bestFailure?.statusCode ?? 0) {
            call.bestFailure = failure
        }
        let ringing = call.legs.indices.filter { $0 != call.applicationLeg && !call.legs[$0].isDone }
        if call.answeredLeg == nil, ringing.isEmpty, call.state != .ending {
            calleeFailed(call)
        }
    }

    private func cancelConfirmationTimer(_ confirmation: MobileConfirmation, of call: Call) {
        let id = call.id
        timers.cancel(at: confirmation.deadline) { timer in
            guard case .confirmationTimeout(let timerCall) = timer else { return false }
            return timerCall == id
        }
    }
}

extension SessionDescription {
    /// The payload type of `telephone-event` in the first audio stream, if it has one.
    var telephoneEventPayloadType: Int? {
        guard let index = firstAudioIndex else { return nil }
        return media[index].codecs.first { $0.hasEncoding("telephone-event") }?.payloadType
    }

    /// A G.711 codec of the first audio stream under its payload type here: `encoding` if
    /// offered, else the other law.
    func firstG711Codec(preferring encoding: String) -> MusicOnHold.Codec? {
        guard let index = firstAudioIndex else { return nil }
        let codecs = media[index].codecs
        let chosen =
            codecs.first { $0.hasEncoding(encoding) }
            ?? codecs.first { codec in MusicOnHold.encodings.contains { codec.hasEncoding($0) } }
        return chosen.map { MusicOnHold.Codec(encoding: $0.encodingName.uppercased(), payloadType: $0.payloadType) }
    }
}
