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
/// Only a call ringing the extension itself asks: while an application hands its caller on
/// (a menu's choice, a queue's offer) the relay's far side is the application's, and the
/// mobile's answer passes as before. So does one that cannot be asked: no telephone-event or
/// no G.711 in its answer (logged), as the engine could not hear the key or play the prompt.
struct MobileConfirmation: Sendable {
    /// The leg asked.
    let leg: Int
    /// Its 2xx, which becomes the call's answer on 1.
    let response: SIPResponse
    let dialog: Dialog
    let ack: SerializedSIPMessage
    let deadline: ContinuousClock.Instant
}

extension PBXCore {
    /// The prompt the mobile hears, in its extension's language.
    static let confirmationPrompt = "confirm-call"

    /// Holds the answer of leg `index` (acknowledged, `mustConfirm`) until its phone presses
    /// 1. Returns false when the answer is to go through at once (it cannot be asked).
    func awaitConfirmation(
        _ response: SIPResponse, call: Call, leg index: Int, dialog: Dialog, ack: SerializedSIPMessage
    ) -> Bool {
        let extensionNumber = call.legs[index].extensionNumber ?? call.callee
        if let running = call.confirmation, call.legs[running.leg].state == .confirming {
            // One prompt at a time on the relay's B side: a second mobile answering meanwhile
            // (two mobile extensions rung together) is hung up as unanswered.
            var dialog = dialog
            call.legs[index].dialog = dialog
            let bye = dialog.makeRequest(.bye, via: newVia(for: call.legs[index].destination), contact: nil)
            startClient(bye, to: call.legs[index].destination, purpose: .fireAndForget)
            confirmationFailed(call: call, leg: index, outcome: "busy")
            return true
        }
        guard let media = call.media, let answer = sdp(of: response) ?? call.legs[index].earlyAnswer,
            let codec = answer.voiceCodec, MusicOnHold.encodings.contains(codec.encoding),
            let eventType = answer.telephoneEventPayloadType
        else {
            logger.warning(
                "mobile answered without G.711 and telephone-event: it cannot be asked to press 1, its answer takes the call",
                metadata: ["call": "\(call.id)", "extension": "\(extensionNumber)"])
            return false
        }
        let deadline = schedule(.confirmationTimeout(call.id), after: configuration.mobileConfirmTimeout)
        call.confirmation = MobileConfirmation(leg: index, response: response, dialog: dialog, ack: ack, deadline: deadline)
        call.legs[index].state = .confirming
        call.legs[index].dialog = dialog
        call.legs[index].ack = ack
        if let endpoint = answer.audioEndpoint {
            media.updateRemote(side: .b, host: endpoint.address, port: endpoint.port)
        }
        // A phone's early media may have latched the relay's B side.
        if call.legs.indices.contains(where: { $0 != index && call.legs[$0].sentEarlyMedia }) {
            Task { await media.relatch(side: .b) }
        }
        let language = directory[extensionNumber]?.language == .en ? "en" : "hu"
        media.playPrompt(Self.confirmationPrompt, language: language, toward: .b, codec: codec)
        // The caller hears ringing, not the mobile (its user's "hello?", a voicemail greeting).
        if let ringback = call.offer.firstG711Codec(preferring: codec.encoding) {
            media.playRingback(toward: .a, codec: ringback)
        }
        let post = inputSink
        let id = call.id
        media.watchDigits(from: .b, eventPayloadType: eventType) { digit in post(.confirmationKey(id, index, digit)) }
        logger.info("mobile answered; asked to press 1", metadata: ["call": "\(call.id)", "extension": "\(extensionNumber)"])
        return true
    }

    /// A key from the mobile asked: 1 takes the call, any other refuses it.
    func confirmationKey(call id: UUID, leg index: Int, _ digit: Character) {
        guard let call = calls[id], let confirmation = call.confirmation, confirmation.leg == index,
            call.legs[index].state == .confirming
        else { return }
        guard digit == "1" else {
            hangUpUnconfirmed(call: call, leg: index, outcome: "refused")
            return
        }
        // The answer's own path (connectAnswer) ends the confirmation: timer, prompt, keys.
        call.path.append("confirm:\(call.legs[index].extensionNumber ?? call.callee)=accepted")
        writes.enqueue(.cdrPath(id: id, path: call.path))
        logger.info("mobile pressed 1: it takes the call", metadata: ["call": "\(id)"])
        connectAnswer(confirmation.response, call: call, leg: index, dialog: confirmation.dialog, ack: confirmation.ack)
    }

    func confirmationTimedOut(call id: UUID) {
        guard let call = calls[id], let confirmation = call.confirmation,
            call.legs[confirmation.leg].state == .confirming, ContinuousClock.now >= confirmation.deadline
        else { return }
        hangUpUnconfirmed(call: call, leg: confirmation.leg, outcome: "timeout")
    }

    /// The mobile asked hung up before pressing 1 (its BYE, answered already).
    func unconfirmedLegHungUp(call: Call, leg index: Int) {
        cancelConfirmationTimer(of: call)
        stopConfirmationMedia(of: call)
        confirmationFailed(call: call, leg: index, outcome: "hung-up")
    }

    /// Ends the leg asked without its 1: BYE, then as a leg that failed.
    private func hangUpUnconfirmed(call: Call, leg index: Int, outcome: String) {
        cancelConfirmationTimer(of: call)
        stopConfirmationMedia(of: call)
        hangUpUnconfirmed(call.legs[index])
        confirmationFailed(call: call, leg: index, outcome: outcome)
    }

    /// BYE to a leg answered but not confirmed (its dialog is up, so CANCEL will not do).
    func hangUpUnconfirmed(_ leg: CalleeLeg) {
        guard var dialog = leg.dialog else { return }
        let bye = dialog.makeRequest(.bye, via: newVia(for: leg.destination), contact: nil)
        startClient(bye, to: leg.destination, purpose: .fireAndForget)
    }

    /// The leg counts as failed (480, as a mobile out of reach would): the other contacts
    /// ring on, and with none left the call goes where an unanswered one goes.
    private func confirmationFailed(call: Call, leg index: Int, outcome: String) {
        call.legs[index].state = .failed
        noteDialogChange()
        call.path.append("confirm:\(call.legs[index].extensionNumber ?? call.callee)=\(outcome)")
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

    /// Before another leg's answer becomes the call's: a confirmation still running (or left
    /// behind by a leg cancelled meanwhile) gives the relay back, and the mobile's address
    /// may not keep the latch of the relay's B side.
    func endConfirmation(of call: Call, answeredBy index: Int, answer: SessionDescription?) {
        guard let confirmation = call.confirmation else { return }
        cancelConfirmationTimer(of: call)
        stopConfirmationMedia(of: call)
        guard confirmation.leg != index, let media = call.media else { return }
        let endpoint = answer?.audioEndpoint
        Task {
            if let endpoint { await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port) }
            await media.relatch(side: .b, awayFromCurrent: true)
        }
    }

    private func stopConfirmationMedia(of call: Call) {
        guard let media = call.media else { return }
        media.stopWatchingDigits(from: .b)
        media.stopMusic(toward: .b)
        media.stopMusic(toward: .a)
    }

    private func cancelConfirmationTimer(of call: Call) {
        guard let confirmation = call.confirmation else { return }
        call.confirmation = nil
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
