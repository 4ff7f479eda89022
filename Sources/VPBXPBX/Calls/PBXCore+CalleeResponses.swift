import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Responses from the callee's contacts: ringing is relayed to the caller, the first answer
/// wins and the other contacts are cancelled, and when every contact has failed the caller gets
/// the most telling failure.
extension PBXCore {
    func clientResponse(_ response: SIPResponse, purpose: ClientPurpose, key: TransactionKey) {
        switch purpose {
        case .calleeInvite(let id, let leg): calleeInviteResponse(response, call: id, leg: leg)
        case .relayed(let id, let answering, let toward):
            relayedResponse(response, call: id, answering: answering, toward: toward, client: key)
        case .monitorInvite(let id): monitorInviteResponse(response, monitor: id)
        case .originationInvite(let id): originationInviteResponse(response, call: id)
        case .joinReInvite(let donor): joinReInviteResponse(response, donor: donor, client: key)
        case .qualify(let key, let probe): qualifyResponse(response, key: key, probe: probe)
        case .trunkRegister(let name, let generation, let leaving):
            if leaving {
                trunkUnregisterResponse(response, trunk: name)
            } else {
                trunkRegisterResponse(response, trunk: name, generation: generation)
            }
        case .trunkBye(let bye, let destination, let trunk):
            if response.statusCode >= 200 { trunkByeResponse(response, bye: bye, destination: destination, trunk: trunk) }
        case .fireAndForget: break
        }
    }

    private func calleeInviteResponse(_ response: SIPResponse, call id: UUID, leg index: Int) {
        guard let call = calls[id], call.legs.indices.contains(index) else {
            lateCalleeResponse(response, call: id, leg: index)
            return
        }
        // The leg is changed in place (see calleeAnswered): no copy per response.
        switch response.statusCode {
        case 100:
            // 100 Trying is a provisional response too (RFC 3261 §9.1): a CANCEL held back
            // for this contact goes out now, and a later one need not wait for a 180 that a
            // gateway may never send. Nothing is relayed to the caller.
            if call.legs[index].cancelPending {
                call.legs[index].cancelPending = false
                sendCancel(for: call.legs[index])
            } else if call.legs[index].state == .trying {
                call.legs[index].state = .early
            }
        case 101..<200:
            if call.legs[index].cancelPending {
                call.legs[index].cancelPending = false
                sendCancel(for: call.legs[index])
                return
            }
            guard call.legs[index].state == .trying || call.legs[index].state == .early else { return }
            call.legs[index].state = .early
            if let tag = try? response.headers.toTag() {
                // A phone's first tag: busy lamps watching it may show its early dialog now.
                if call.legs[index].earlyTag == nil { noteDialogChange() }
                call.legs[index].noteEarlyDialog(tag)
            }
            let earlySDP = sdp(of: response).map { sdpFromCalleeLeg($0, leg: index, of: call) }
            if let answer = earlySDP, let endpoint = answer.audioEndpoint, let media = call.media {
                // While a mobile is asked to press 1, the relay's B side is its.
                if call.confirmation == nil {
                    media.updateRemote(side: .b, host: endpoint.address, port: endpoint.port)
                }
                call.legs[index].earlyAnswer = answer
                // A click-to-call's caller hears the callee's own early media (a gateway's
                // announcement) instead of the engine's ringback.
                if call.engineCalledCaller, call.answeredAt == nil, call.confirmation == nil {
                    media.stopMusic(toward: .a)
                }
            }
            guard call.state == .routing || call.state == .ringing, !call.finalSentToCaller else {
                return
            }
            let firstRinging = call.state == .routing
            call.state = .ringing
            var provisional = SIPResponse(to: call.invite, status: response.statusCode, reason: response.reason, toTag: call.callerDialog.localTag)
            provisional.headers.add("Contact", ourContact(user: call.callee, transport: call.callerSource.transport).serialized)
            // Early media goes on as the answer it is, except to a caller that made no offer:
            // there it would be an offer in an unreliable response, which RFC 3261 §13.2.1
            // does not allow (the offer comes in the 2xx).
            if !call.lateOffer, let answer = earlySDP, let media = call.media {
                let forCaller = bridgeLaws(of: call, offer: call.offer, answer: answer, offerer: .caller, media: media)
                let anchored = sdp(
                    forCaller.anchored(at: configuration.mediaAddress, audioPort: media.aPort), stampedFor: .caller, of: call)
                provisional.headers.add("Content-Type", "application/sdp")
                provisional.body = Array(anchored.serialized().utf8)
            }
            respond(call.inviteKey, with: provisional)
            call.lastProvisional = provisional
            if firstRinging { emit(.callRinging(call.snapshot)) }
        case 200..<300:
            calleeAnswered(response, call: call, leg: index)
        default:
            if let answered = call.answeredLeg, answered != index, !call.handingOn, call.legs[index].sentEarlyMedia {
                // It has stopped sending now: the answering contact's RTP may latch.
                relatchCallee(of: call)
            }
            if answerTrunkChallenge(response, call: call, leg: index) { return }
            var response = response
            if call.legs[index].trunk != nil, response.statusCode == 401 || response.statusCode == 407 {
                // The provider refused the trunk's credentials (or asked for some it has not):
                // the CDR's cause says so rather than show a challenge (the caller gets 480).
                logger.error(
                    "trunk refused our credentials", metadata: ["trunk": "\(call.legs[index].trunk ?? "")", "call": "\(call.id)"])
                response.statusCode = 503
                response.reason = "Trunk Authentication Failed"
            }
            if call.legs[index].state != .cancelled {
                call.legs[index].state = .failed
                noteDialogChange()
                if failOver(response, call: call, leg: index) { return }
                // Followed, the redirection is no failure: the caller must not be sent it
                // (its phone would dial the target again) if the new target fails too.
                if (300...399).contains(response.statusCode), followRedirection(response, call: call, leg: index) { return }
            }
            if PBXCore.failurePriority(response.statusCode) > PBXCore.failurePriority(call.bestFailure?.statusCode ?? 0) {
                call.bestFailure = response
            }
            // While handing on, the application's leg is still up: it does not count.
            let ringing = call.legs.indices.filter { $0 != call.applicationLeg && !call.legs[$0].isDone }
            if call.answeredLeg == nil, ringing.isEmpty, call.state != .ending {
                calleeFailed(call)
            }
        }
    }

    private func calleeAnswered(_ response: SIPResponse, call: Call, leg index: Int) {
        // The leg is read and changed in place: a copy of it (its INVITE, dialog and ACK) cost
        // a reference count per string in them, twice, for the three fields that change.
        let destination = call.legs[index].destination
        if call.answeredLeg == index, let ack = call.legs[index].ack {
            // The same dialog's 2xx again: our ACK was lost. Another To tag is a second
            // dialog from this one INVITE (a proxy or gateway behind this contact forked it,
            // RFC 3261 §13.2.2.4): it gets its own ACK and a BYE below, as a second contact's
            // answer does, and the call goes on with the first.
            if (try? response.headers.toTag()) == call.legs[index].dialog?.remoteTag {
                outbound.send(ack, to: destination)
                return
            }
        }
        if call.legs[index].state == .confirming, let ack = call.legs[index].ack,
            (try? response.headers.toTag()) == call.legs[index].dialog?.remoteTag
        {
            // The mobile asked to press 1 sends its 2xx again: our ACK was lost.
            outbound.send(ack, to: destination)
            return
        }
        guard var dialog = try? Dialog(uacInvite: call.legs[index].invite, response: response) else { return }
        // Serialized once, to send now and again to each retransmitted 2xx.
        // A trunk's INVITE answering its challenge has CSeq 2: the ACK carries the INVITE's
        // (counted, not parsed again on every call's answer).
        let inviteCSeq = 1 + UInt32(call.legs[index].challengesAnswered)
        let ack = SerializedSIPMessage(.request(dialog.makeAck(inviteCSeq: inviteCSeq, via: newVia(for: destination))))
        outbound.send(ack, to: destination)
        guard call.answeredLeg == nil, call.state != .ending, !call.finalSentToCaller || call.handingOn else {
            // Another contact (or dialog) answered first, or the caller gave up: this one
            // hangs up at once.
            let bye = dialog.makeRequest(.bye, via: newVia(for: destination), contact: nil)
            sendBye(bye, to: destination, trunk: call.legs[index].trunk)
            return
        }
        if call.legs[index].confirmationFor != nil, awaitConfirmation(response, call: call, leg: index, dialog: dialog, ack: ack) {
            return
        }
        connectAnswer(response, call: call, leg: index, dialog: dialog, ack: ack)
    }

    /// Makes the 2xx of leg `index` (acknowledged already) the call's answer: the other
    /// contacts are cancelled and the caller answered (or, handing on, the relay follows).
    func connectAnswer(_ response: SIPResponse, call: Call, leg index: Int, dialog: Dialog, ack: SerializedSIPMessage) {
        // A mobile that pressed 1 holds the relay's B side already.
        let confirmed = call.confirmation?.leg == index
        endConfirmation(of: call, answeredBy: index)
        let latchAway = clearConfirmationLeftovers(of: call)
        let answerSDP = sdp(of: response).map { sdpFromCalleeLeg($0, leg: index, of: call) }
        if answerSDP == nil, call.legs[index].earlyAnswer == nil {
            // No SDP at all from this phone: another phone's early media may have left its keys.
            terminateCalleeSRTP(of: call, nil)
        }
        call.srtpEndToEnd = Self.srtpPassesEndToEnd(
            offer: call.offer, answer: answerSDP ?? call.legs[index].earlyAnswer)
        call.legs[index].answerMedia = (answerSDP ?? call.legs[index].earlyAnswer)?.audioEndpoint.map { MediaAddress(host: $0.address, port: $0.port) }
        call.legs[index].state = .answered
        call.legs[index].dialog = dialog
        call.legs[index].ack = ack
        call.answeredLeg = index
        call.state = .answered
        // Another contact's early media latched the relay's B side to that phone, and a
        // latched address stays: the answering phone's RTP would be dropped as a stranger's
        // for the whole call. A contact that already ended has stopped sending: latch anew
        // now; one still ringing does so once its CANCEL has ended it (above), or its last
        // packets could latch the relay again.
        if call.legs.indices.contains(where: { $0 != index && call.legs[$0].sentEarlyMedia && call.legs[$0].state == .failed }) {
            relatchCallee(of: call)
        }
        for other in call.legs.indices where other != index && !call.legs[other].isDone {
            cancelLeg(at: other, of: call, answeredElsewhere: true)
        }
        if call.handingOn {
            // The caller was answered by an application: no new answer, the relay just
            // follows the new far end.
            call.handingOn = false
            // Settled before the BYE: a transferring phone hears its NOTIFY first.
            settleHandOn(of: call, origin: call.handOnOrigin, .connected(answeredBy: call.legs[index].extensionNumber))
            if let application = call.applicationLeg, var dialog = call.legs[application].dialog {
                let destination = call.legs[application].destination
                let bye = dialog.makeRequest(.bye, via: newVia(for: destination), contact: nil)
                sendBye(bye, to: destination, trunk: call.legs[application].trunk)
                call.legs[application].state = .failed
            }
            call.applicationLeg = nil
            call.handOnOrigin = nil
            // A click-to-call's callee answering is the call's answer (an application's hand-on
            // follows an answer already given).
            if call.engineCalledCaller, call.answeredAt == nil { originatedCallAnswered(call) }
            // A phone's silence counts again; another application's (a menu handing on to a
            // queue) does not.
            let answer = answerSDP
            watchSilence(
                of: call, callerSDP: call.offer, calleeSDP: answer,
                calleeIsApplication: call.answeredByApplication)
            if let answer {
                call.calleeCodec = answer.voiceCodec
                if let media = call.media {
                    // The caller keeps the codec the application agreed with it.
                    let callerCodec = call.callerCodec
                    _ = bridgeLaws(of: call, offer: call.offerForNewLegs, answer: answer, offerer: .caller, media: media)
                    call.callerCodec = callerCodec
                }
                if let endpoint = answer.audioEndpoint, let media = call.media, !confirmed {
                    // The leg handing on (a transferring phone) may still send for a moment:
                    // its packets must not take the latch from the new phone.
                    Task {
                        await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port)
                        await media.relatch(side: .b, awayFromCurrent: true)
                    }
                }
            }
            emit(.callAnswered(call.snapshot))
            recordIfWanted(call)
            return
        }
        let now = Date()
        call.answeredAt = now
        cancelNoAnswerTimer(of: call, id: call.id)
        call.lastProvisional = nil
        // Media is due from now: the RTP timeout, suspended while the call rang (which the
        // no-answer timeout bounds, not silence), counts from the answer; with one of the
        // engine's applications answering, on the caller's RTP alone.
        // A 2xx without SDP after early media with it: that early answer was the answer, and
        // the caller's 2xx must carry it (RFC 3261 §13.2.1: an answer in an unreliable
        // response is repeated in the 2xx). Some gateways leave it out of their own 2xx.
        let answer = answerSDP ?? call.legs[index].earlyAnswer
        watchSilence(
            of: call, callerSDP: call.offer, calleeSDP: answer,
            calleeIsApplication: call.answeredByApplication)
        call.media?.updateTimeoutSuspended(false)
        var ok = SIPResponse(to: call.invite, status: 200, toTag: call.callerDialog.localTag)
        ok.headers.add("Contact", ourContact(user: call.callee, transport: call.callerSource.transport).serialized)
        ok.headers.add("Allow", PBXCore.allowedMethods)
        if let answer, let media = call.media {
            // The caller gets this answer relayed, so both phones use its codec, unless the
            // callee chose the G.711 law the caller does not have.
            let forCaller = bridgeLaws(of: call, offer: call.offer, answer: answer, offerer: .caller, media: media)
            if let endpoint = answer.audioEndpoint {
                media.updateRemote(side: .b, host: endpoint.address, port: endpoint.port)
                // A mobile that was asked and hung up may still send: it may not keep the latch.
                if latchAway { Task { await media.relatch(side: .b, awayFromCurrent: true) } }
            }
            let anchored = sdp(
                forCaller.anchored(at: configuration.mediaAddress, audioPort: media.aPort), stampedFor: .caller, of: call)
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(lateOfferSecured(anchored, for: call).serialized().utf8)
        } else if call.lateOffer, let media = call.media {
            // The callee answered our offer without SDP (against RFC 3264); the caller still
            // needs an offer in this 2xx, so it gets the engine's.
            let offer = call.callerOrigin.stamp(lateOfferStandIn().anchored(at: configuration.mediaAddress, audioPort: media.aPort))
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(lateOfferSecured(offer, for: call).serialized().utf8)
        }
        call.finalSentToCaller = true
        call.awaitingAck.expect(call.inviteKey, cseq: call.inviteCSeq, from: .caller)
        respond(call.inviteKey, with: ok)
        writes.enqueue(.cdrAnswered(id: call.id, at: now))
        emit(.callAnswered(call.snapshot))
        recordIfWanted(call)
    }

    /// Every contact failed: the caller hears the most telling failure (RFC 3261 §16.7 step 6
    /// spirit: busy beats not-found, 6xx beats everything).
    func calleeFailed(_ call: Call) {
        let status = call.bestFailure?.statusCode ?? 480
        let busy = status == 486 || status == 600
        if forwardOnFailure(call.id, busy: busy, unavailable: !busy) { return }
        if divertToVoicemail(call.id, busy: busy) { return }
        if returnToApplication(call.id, busy: busy) { return }
        var callerStatus = PBXCore.callerStatus(forCalleeFailure: status)
        var contacts: [String] = []
        if (300...399).contains(callerStatus) {
            // A redirection goes with its Contacts, for the caller's phone to try (RFC 3261
            // §8.1.3.4); without any it leads nowhere.
            contacts = call.bestFailure?.headers.values("Contact") ?? []
            if contacts.isEmpty { callerStatus = 480 }
        }
        let reason = call.bestFailure.map { "\($0.statusCode) \($0.reason)" } ?? "480 Temporarily Unavailable"
        // A caller handed on by an application stays an answered call whatever the new leg did.
        let disposition: CallDisposition? = call.answeredAt != nil ? nil : (busy ? .busy : .failed)
        endCall(
            call.id, cause: reason, side: .callee, disposition: disposition, callerStatus: callerStatus,
            callerContacts: contacts)
    }

    /// What the caller hears when every contact failed and the best failure was `status`.
    ///
    /// The engine is a B2BUA: the callee answered the engine's own request. What the phone
    /// said about that request (its syntax, a SIP extension, authentication, a session timer,
    /// a dialog, a loop) is no fault of the caller's and nothing it could act on, nor is the
    /// phone's own trouble (a timeout, a 5xx); all of those become 480, as Asterisk turns them
    /// into a hangup cause rather than passing them on. The callee's answers to the call pass
    /// through: busy, declined, forbidden, its media not acceptable, and a redirection.
    static func callerStatus(forCalleeFailure status: Int) -> Int {
        switch status {
        case 300...399, 403, 486, 488, 600, 603, 606: status
        default: 480
        }
    }

    /// The relay's B side latches to the next packet; until then it sends to the answer's
    /// SDP address.
    private func relatchCallee(of call: Call) {
        guard let media = call.media else { return }
        Task { await media.relatch(side: .b) }
    }

    static func failurePriority(_ status: Int) -> Int {
        switch status {
        case 600...699: 5
        case 486: 4
        case 300...399, 400...485, 487...499: 3
        case 500...599: 2
        case 0: 0
        default: 1
        }
    }

    func sdp(of response: SIPResponse) -> SessionDescription? {
        guard !response.body.isEmpty, response.headers.contentType?.lowercased().hasPrefix("application/sdp") == true else {
            return nil
        }
        return try? SessionDescription(parsing: String(decoding: response.body, as: UTF8.self))
    }

    /// CANCEL a ringing contact now, or as soon as it sent a provisional response; a mobile
    /// asked to press 1 gets BYE instead (PBXCore+MobileConfirm). `answeredElsewhere`: the
    /// call was answered by another phone.
    func cancelLeg(at index: Int, of call: Call, answeredElsewhere: Bool = false) {
        call.legs[index].answeredElsewhere = answeredElsewhere
        switch call.legs[index].state {
        case .early: sendCancel(for: call.legs[index])
        case .trying: call.legs[index].cancelPending = true
        case .confirming: stopAsking(call, restoringFarEnd: !answeredElsewhere)
        default: return
        }
        call.legs[index].state = .cancelled
        noteDialogChange()
    }

    /// RFC 3261 §9.1: same Request-URI, Call-ID, From, To, top Via and CSeq number as the INVITE.
    func sendCancel(for leg: CalleeLeg) {
        sendCancel(of: leg.invite, to: leg.destination, reason: leg.answeredElsewhere ? Self.answeredElsewhereReason : nil)
    }

    /// RFC 3326's own example: with it, phones (and ring-all queues' agents) do not list a
    /// call another phone answered as missed, as Asterisk and FreeSWITCH tell them too.
    static let answeredElsewhereReason = "SIP;cause=200;text=\"Call completed elsewhere\""

    /// CANCEL of an INVITE we sent to `destination` (callee legs, a supervisor's phone rung, a
    /// relayed re-INVITE): its Request-URI, top Via, From, To, Call-ID, CSeq number and Route
    /// set, as RFC 3261 §9.1 has them, and why, when that matters to the phone (`reason`, a
    /// Reason header value, RFC 3326).
    func sendCancel(of invite: SIPRequest, to destination: SIPPeerAddress, reason: String? = nil) {
        var headers = SIPHeaders()
        if let via = invite.headers.values("Via").first { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for name in ["From", "To", "Call-ID"] { if let value = invite.headers[name] { headers.add(name, value) } }
        headers.add("CSeq", CSeq((try? invite.headers.cseq().number) ?? 1, .cancel).description)
        for route in invite.headers.lines("Route") { headers.add("Route", route) }
        if let reason { headers.add("Reason", reason) }
        startClient(SIPRequest(method: .cancel, uri: invite.uri, headers: headers), to: destination, purpose: .fireAndForget)
        inviteCancelled(invite)
    }

    /// A contact answers after its call ended: CANCEL what still rings, hang up what answered.
    private func lateCalleeResponse(_ response: SIPResponse, call id: UUID, leg index: Int) {
        guard let ended = endedCalls[id], ended.indices.contains(index) else { return }
        var leg = ended[index]
        switch (response.statusCode, leg.pending) {
        case (100..<200, .invite(let invite, let cancel)) where cancel != .none:  // 100 Trying counts (RFC 3261 §9.1)
            leg.pending = .invite(invite, cancel: .none)
            sendCancel(of: invite, to: leg.destination, reason: cancel == .answeredElsewhere ? Self.answeredElsewhereReason : nil)
        case (200..<300, .ack(let ack)):
            outbound.send(ack, to: leg.destination)
        case (200..<300, .invite(let invite, _)):
            guard var dialog = try? Dialog(uacInvite: invite, response: response) else { break }
            let inviteCSeq = (try? invite.headers.cseq().number) ?? 1
            let ack = SerializedSIPMessage(.request(dialog.makeAck(inviteCSeq: inviteCSeq, via: newVia(for: leg.destination))))
            leg.pending = .ack(ack)
            outbound.send(ack, to: leg.destination)
            let bye = dialog.makeRequest(.bye, via: newVia(for: leg.destination), contact: nil)
            sendBye(bye, to: leg.destination)
        default:
            break
        }
        endedCalls.update(leg, at: index, of: id)
    }

    func strayResponse(_ response: SIPResponse) {
        if monitorStrayResponse(response) { return }
        logger.debug("response matches no transaction", metadata: ["status": "\(response.statusCode)"])
    }
}
