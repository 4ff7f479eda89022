import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling
import VPBXStore
import VPBXText

/// Click-to-call (`call.originate`): a CRM or an agent's console asks the engine to call a
/// number for an extension. As Asterisk's Originate and FreeSWITCH's `originate` do, the
/// engine first rings the extension's phone, with the number to be called as who is calling;
/// once it answers, the phone takes the caller's place of a new call and the number is
/// dialled for it as the phone would dial it (an extension, a queue, a menu), the phone
/// hearing ringback meanwhile. The callee's phone sees the extension as the caller.
///
/// The answered phone's dialog is one the engine opened (a UAC dialog in the caller's place,
/// as after a caller's transfer, ``Call/swapParties(callerExtension:)``), and the callee is
/// rung the way a menu hands its answered caller on (``ringNewPhase(_:id:targets:timeout:diversion:)``):
/// the callee's answer connects the two without another answer to the caller. The call is
/// answered, for its record and its events, when the callee answers; the caller's phone
/// refusing or not answering leaves a record of its own (busy, no answer).
///
/// Only the extension's first contact is rung: the console or CRM sits next to one phone,
/// and a call to a number nobody asked for ringing every device would be a surprise.
extension PBXCore {
    /// Rings `caller`'s phone; once it answers, dials `number` for it. `autoAnswer` asks the
    /// phone to answer by itself (Call-Info `answer-after=0`, Alert-Info `alert-autoanswer`:
    /// Snom, Yealink, Polycom, Grandstream and most softphones honour one of them).
    public func originate(from caller: String, to typed: String, autoAnswer: Bool = false) throws(OriginateError)
        -> CallSnapshot
    {
        // A customer's number as the CRM holds it (`06 30 123 4567`) is called, listed and
        // recorded in E.164.
        let number =
            directory[typed] == nil && dialPlan.routes[typed] == nil
            ? publicNumber(typed)?.e164 ?? typed : typed
        guard let record = directory[caller] else {
            throw OriginateError(kind: .notFound, description: "extension \(caller) does not exist")
        }
        guard record.enabled else {
            throw OriginateError(kind: .conflict, description: "extension \(caller) is disabled")
        }
        guard number != caller else {
            throw OriginateError(kind: .conflict, description: "an extension cannot call itself")
        }
        let now = Date()
        guard originationTarget(number, for: caller, now: now) != nil else {
            throw OriginateError(
                kind: .notFound,
                description:
                    "'\(number)' leads nowhere that can be rung now (an unknown, disabled or unregistered extension without a mailbox?)"
            )
        }
        guard let (contact, destination) = contacts(of: record, now: now).first else {
            throw OriginateError(
                kind: .conflict, description: "extension \(caller) has no phone to ring (none registered or reachable)")
        }
        if let available = mediaFactory.sessionsAvailable, available <= 0 {
            throw OriginateError(kind: .conflict, description: "no media ports are free; try again in a moment")
        }
        var candidate = RandomUUID.make(at: now)
        while calls[candidate] != nil || originations[candidate] != nil { candidate = RandomUUID.make(at: now) }
        let id = candidate
        let origination = Origination(
            id: id, caller: caller, callerName: record.displayName, number: number, autoAnswer: autoAnswer,
            contact: contact, destination: destination,
            callID: SIPIdentifiers.callID(host: configuration.advertisedHost),
            origin: OriginTracker(sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            startedAt: now, noAnswerTimeout: record.noAnswerTimeout)
        originations[id] = origination
        statistics.callsStarted += 1
        writes.enqueue(
            .cdrBegin(
                CDRRecord(
                    id: id, sipCallID: origination.callID, caller: caller, callerName: record.displayName,
                    callee: number, startedAt: now, path: ["originate:\(caller)"])))
        emit(.callStarted(origination.snapshot))
        logger.info(
            "click-to-call: ringing the caller's phone",
            metadata: ["call": "\(id)", "from": "\(caller)", "to": "\(number)"])
        let post = inputSink
        mediaFactory.makeSession(callerMedia: nil, onTimeout: { post(.mediaTimeout(id)) }) { result in
            post(.originationMediaReady(id, result))
        }
        return origination.snapshot
    }

    /// What `number` rings when dialled for an originated call: what the dial plan routes it
    /// to, or the mailbox of an extension without a phone (as for a call from a phone).
    func originationTarget(_ number: String, for caller: String, now: Date)
        -> (callee: String, targets: [RingTarget], timeout: Int, path: [String])?
    {
        let routing = dialPlan.resolve(number, at: now)
        // A CRM's click-to-call to a customer: out through a trunk as far as the caller may call.
        if let ring = ringing(routing.target, now: now, outbound: outboundPermission(of: caller)) {
            return (ring.callee, ring.targets, ring.timeout, routing.path)
        }
        guard case .extension(let extensionNumber) = routing.target, directory[extensionNumber]?.enabled == true,
            dialPlan.mailboxes.contains(extensionNumber)
        else { return nil }
        let voicemail = Application.voicemail(mailbox: extensionNumber, busy: false)
        return (
            voicemail.user, [RingTarget(contact: voicemail.contact, destination: Application.peer)],
            ExtensionRecord.defaultNoAnswerTimeout,
            routing.path + ["vm:\(extensionNumber)"]
        )
    }

    /// The media session is ready: the INVITE to the caller's phone goes out, offering the
    /// relay's A side.
    func originationMediaReady(_ id: UUID, _ result: Result<any MediaSession, any Error>) {
        guard var origination = originations[id] else {
            if case .success(let session) = result { session.closeWithoutWaiting() }
            return
        }
        guard case .success(let media) = result else {
            endOrigination(id, cause: "no_media_ports", disposition: .failed)
            return
        }
        origination.media = media
        var offer = SessionDescription.engineOffer(
            origin: Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress),
            address: configuration.mediaAddress, audioPort: media.aPort)
        // A phone of an extension that wants SRTP is offered the engine's key, as when a call rings it.
        if let policy = directory[origination.caller]?.srtp, policy != .off {
            let key = SRTPKeyMaterial.random()
            offer = SRTPTermination.offer(offer, policy: policy, engineKey: key)
            origination.offeredSRTPKey = key
        }
        let body = Array(origination.origin.stamp(offer).serialized().utf8)
        // The phone shows whom it is about to call. Phones differ in which auto-answer header
        // they honour; none minds the other.
        let autoAnswer = [
            ("Call-Info", "<sip:\(configuration.advertisedHost)>;answer-after=0"),
            ("Alert-Info", "<sip:\(configuration.advertisedHost)>;info=alert-autoanswer;delay=0"),
        ]
        let invite = engineInvite(
            to: origination.contact, at: origination.destination, ringing: origination.caller,
            shownCaller: origination.number, shownName: directory[origination.number]?.displayName,
            callID: origination.callID, body: body, extraHeaders: origination.autoAnswer ? autoAnswer : [])
        origination.invite = invite
        origination.inviteKey = startClient(invite, to: origination.destination, purpose: .originationInvite(id))
        origination.noAnswerAt = schedule(.originationNoAnswer(id), after: .seconds(origination.noAnswerTimeout))
        originations[id] = origination
    }

    func originationInviteResponse(_ response: SIPResponse, call id: UUID) {
        guard var origination = originations[id] else {
            lateOriginationResponse(response, call: id)
            return
        }
        switch response.statusCode {
        case 100..<200:
            origination.provisional = true
            originations[id] = origination
        case 200..<300:
            callerPhoneAnswered(response, origination: origination)
        default:
            let busy = response.statusCode == 486 || response.statusCode == 600
            let unanswered = response.statusCode == 408 || response.statusCode == 480 || response.statusCode == 487
            endOrigination(
                id, cause: "\(response.statusCode) \(response.reason)",
                disposition: busy ? .busy : unanswered ? .noAnswer : .failed, inviteFinished: true)
        }
    }

    /// The caller's phone answered: it becomes the caller of a new call, and the number is
    /// rung for it.
    private func callerPhoneAnswered(_ response: SIPResponse, origination: Origination) {
        let id = origination.id
        guard let invite = origination.invite, let inviteKey = origination.inviteKey, let media = origination.media,
            var dialog = try? Dialog(uacInvite: invite, response: response)
        else { return }
        let ack = SerializedSIPMessage(
            .request(dialog.makeAck(inviteCSeq: 1, via: newVia(for: origination.destination))))
        outbound.send(ack, to: origination.destination)
        originations[id] = nil
        cancelOriginationTimer(of: origination)
        let now = Date()
        // A phone that took the engine's key has its SRTP terminated; the rest reads its answer plain.
        let received = sdp(of: response)
        let srtp = received.flatMap { sdp in
            origination.offeredSRTPKey.flatMap { SRTPTermination(sdp: sdp, engineKey: $0) }
        }
        let answer = srtp == nil ? received : received?.withoutSDES()
        guard let answer, let codec = answer.voiceCodec, MusicOnHold.encodings.contains(codec.encoding),
            let target = originationTarget(origination.number, for: origination.caller, now: now)
        else {
            let bye = dialog.makeRequest(.bye, via: newVia(for: origination.destination), contact: nil)
            sendBye(bye, to: origination.destination)
            media.closeWithoutWaiting()
            let why = answer == nil ? "488 no SDP in the caller's answer" : "target_unreachable"
            finishOriginationRecord(origination, cause: why, disposition: .failed, side: .system)
            return
        }
        // What the callee is offered: the codec the caller's phone chose, and its events.
        let callerOffer = (try? answer.restrictingAudio(to: [codec.encoding, "telephone-event"])) ?? answer
        let call = Call(
            id: id, caller: origination.caller, callerName: origination.callerName, callee: target.callee,
            inviteKey: inviteKey, invite: invite, callerSource: origination.destination, callerDialog: dialog,
            offer: callerOffer, callerOrigin: origination.origin,
            calleeOrigin: OriginTracker(sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            startedAt: origination.startedAt, noAnswerTimeout: target.timeout,
            calleeCallID: SIPIdentifiers.callID(host: configuration.advertisedHost), calleeFromTag: SIPIdentifiers.tag()
        )
        call.media = media
        call.callerSRTP = srtp
        if let srtp { media.terminateSRTP(srtp.relayKeys, on: .a) }
        call.callerAck = ack
        call.callerCodec = codec
        call.finalSentToCaller = true
        call.handingOn = true
        call.state = .ringing
        call.path = ["originate:\(origination.caller)"] + target.path
        calls[id] = call
        callByDialog[DialogID(callID: dialog.callID, localTag: dialog.localTag)] = id
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = id
        writes.enqueue(.cdrPath(id: id, path: call.path))
        if let endpoint = answer.audioEndpoint {
            media.updateRemote(side: .a, host: endpoint.address, port: endpoint.port)
        }
        media.playRingback(toward: .a, codec: codec)
        emit(.callRouted(caller: call.caller, dialled: origination.number, path: call.path))
        logger.info(
            "click-to-call: the caller answered, ringing the number",
            metadata: ["call": "\(id)", "to": "\(call.callee)"])
        ringNewPhase(call, id: id, targets: target.targets, timeout: target.timeout)
        emit(.callRinging(call.snapshot))
    }

    /// The callee of an originated call answered (the call is handed on from nobody): the
    /// call is answered now, and the caller hears the callee instead of ringback.
    func originatedCallAnswered(_ call: Call) {
        let now = Date()
        call.answeredAt = now
        call.lastProvisional = nil
        cancelNoAnswerTimer(of: call, id: call.id)
        call.media?.stopMusic(toward: .a)
        call.media?.updateTimeoutSuspended(false)
        writes.enqueue(.cdrAnswered(id: call.id, at: now))
    }

    /// A retransmitted 2xx of the caller's phone (our ACK was lost): ACK it again.
    func callerPhoneAnsweredAgain(_ response: SIPResponse, call: Call) {
        guard let ack = call.callerAck, (try? response.headers.toTag()) == call.callerDialog.remoteTag else { return }
        outbound.send(ack, to: call.callerSource)
    }

    func originationNoAnswer(_ id: UUID) {
        guard originations[id] != nil else { return }
        endOrigination(id, cause: "no_answer_timeout", disposition: .noAnswer)
    }

    /// Gives up ringing the caller's phone (it refused, did not answer, the operator hung up,
    /// the engine stops): CANCEL if it still rings, the record finished, the media freed.
    /// `inviteFinished`: a final response ended the INVITE, so there is nothing to cancel.
    func endOrigination(
        _ id: UUID, cause: String, disposition: CallDisposition, side: HangupSide = .system,
        inviteFinished: Bool = false
    ) {
        guard var origination = originations.removeValue(forKey: id) else { return }
        cancelOriginationTimer(of: origination)
        defer { checkDrained() }
        origination.media?.closeWithoutWaiting()
        if let invite = origination.invite, !inviteFinished {
            if origination.provisional {
                sendCancel(of: invite, to: origination.destination)
            } else {
                origination.cancelPending = true  // once a provisional response comes
            }
            endedOriginations[id] = origination
        }
        finishOriginationRecord(origination, cause: cause, disposition: disposition, side: side)
    }

    private func finishOriginationRecord(
        _ origination: Origination, cause: String, disposition: CallDisposition, side: HangupSide
    ) {
        writes.enqueue(
            .cdrFinish(
                id: origination.id, answeredAt: nil, endedAt: Date(), disposition: disposition, cause: cause,
                hangupSide: side))
        emit(.callEnded(origination.snapshot, disposition: disposition.rawValue, cause: cause))
    }

    /// A response for an origination given up: CANCEL what still rings, hang up what answered.
    private func lateOriginationResponse(_ response: SIPResponse, call id: UUID) {
        if let call = calls[id] {
            if (200..<300).contains(response.statusCode) { callerPhoneAnsweredAgain(response, call: call) }
            return
        }
        guard var origination = endedOriginations[id], let invite = origination.invite else { return }
        switch response.statusCode {
        case 100..<200:
            if origination.cancelPending {
                origination.cancelPending = false
                sendCancel(of: invite, to: origination.destination)
            }
            endedOriginations[id] = origination
        case 200..<300:
            // Answered as it was given up: acknowledge and hang up at once.
            if var dialog = try? Dialog(uacInvite: invite, response: response) {
                outbound.send(
                    .request(dialog.makeAck(inviteCSeq: 1, via: newVia(for: origination.destination))),
                    to: origination.destination)
                let bye = dialog.makeRequest(.bye, via: newVia(for: origination.destination), contact: nil)
                sendBye(bye, to: origination.destination)
            }
            endedOriginations[id] = nil
        default:
            endedOriginations[id] = nil
        }
    }

    private func cancelOriginationTimer(of origination: Origination) {
        guard let deadline = origination.noAnswerAt else { return }
        timers.cancel(at: deadline) { timer in
            guard case .originationNoAnswer(let timerCall) = timer else { return false }
            return timerCall == origination.id
        }
    }
}
