import Foundation
import VPBXMedia
import VPBXSDP
import VPBXSIP
import VPBXSignaling

/// Requests inside an established call: BYE ends it; re-INVITE (hold/resume), UPDATE, INFO and
/// the like are relayed to the other party with the SDP re-anchored, and the answer relayed
/// back.
extension PBXCore {
    func inDialogRequest(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        if monitorDialogRequest(request, key: key) { return }
        guard let toTag = try? request.headers.toTag(), let callID = request.headers.callID,
            let id = callByDialog[DialogID(callID: callID, localTag: toTag)], let call = calls[id]
        else {
            respond(key, to: request, status: 481)
            return
        }
        let side: CallSide = callID == call.callerDialog.callID && toTag == call.callerDialog.localTag ? .caller : .callee
        // A dialog is its Call-ID and both tags (RFC 3261 §12.2.2). The callee's contacts share
        // the Call-ID and the engine's tag: a second one that answered (and got ACK and BYE)
        // is told apart by its own tag, and its requests must not reach the call.
        let fromTag = (try? request.headers.fromTag()).flatMap { $0 }
        // CSeq ordering (RFC 3261 §12.2.2) per dialog.
        if side == .caller {
            guard call.callerDialog.remoteTag == fromTag else {
                respond(key, to: request, status: 481)
                return
            }
            guard call.callerDialog.acceptRemoteRequest(request) else {
                respond(key, to: request, status: 500, reason: "CSeq Out of Order")
                return
            }
        } else if let index = call.answeredLeg, var dialog = call.legs[index].dialog {
            guard dialog.remoteTag == fromTag else {
                respond(key, to: request, status: 481)
                return
            }
            guard dialog.acceptRemoteRequest(request) else {
                respond(key, to: request, status: 500, reason: "CSeq Out of Order")
                return
            }
            call.legs[index].dialog = dialog
        } else if let confirmation = call.confirmation, call.legs[confirmation.leg].state == .confirming,
            call.legs[confirmation.leg].dialog?.remoteTag == fromTag
        {
            // The mobile asked to press 1 hangs up (its voicemail gave up, its user declined).
            if request.method == .bye {
                respond(key, to: request, status: 200)
                unconfirmedLegHungUp(call: call)
            } else if request.method == .info, let type = request.headers.contentType,
                let relay = DTMFRelayBody(contentType: type, body: String(decoding: request.body, as: UTF8.self))
            {
                // A network that sends its keys as SIP INFO only (dtmf-relay), not in the media.
                respond(key, to: request, status: 200)
                confirmationKey(call: id, leg: confirmation.leg, relay.digit.rawValue)
            } else {
                earlyDialogRequest(request, key: key, from: .callee)
            }
            return
        } else if call.transfer != nil, transferorRequest(request, key: key, fromTag: fromTag, call: call) {
            return
        } else if let fromTag, call.answeredLeg == nil,
            call.legs.contains(where: { $0.state == .early && $0.hasEarlyDialog(fromTag) })
        {
            earlyDialogRequest(request, key: key, from: .callee)
            return
        } else {
            respond(key, to: request, status: 481)
            return
        }
        if request.method == .bye {
            respond(key, to: request, status: 200)
            if call.answeredAt == nil {
                // A caller may end its early dialog with BYE instead of CANCEL: the INVITE
                // then gets 487 (RFC 3261 §15.1.2), and the call was given up, as cancelled.
                endCall(id, cause: "BYE", side: .caller, disposition: .cancelled, callerStatus: 487)
                return
            }
            endCall(id, cause: "BYE", side: side == .caller ? .caller : .callee, disposition: nil)
            return
        }
        if call.handingOn, side == .caller, request.method == .invite,
            let received = sdpBody(request.body, contentType: request.headers.contentType),
            case let offer = sdp(received, from: .caller, of: call),
            answerReInviteLocally(request, offer: offer, from: side, call: id, key: key, source: source)
        {
            return
        }
        guard call.answeredLeg != nil else {
            earlyDialogRequest(request, key: key, from: .caller)
            return
        }
        if request.startsRenegotiation, let pending = call.pendingRenegotiation {
            refuseWhileRenegotiating(request, key: key, from: side, pending: pending)
            return
        }
        if request.startsRenegotiation, call.join != nil {
            // An attended transfer's re-INVITE moves this call's media: try again after it.
            respond(key, to: request, status: 491)
            return
        }
        if request.method == .invite,
            let received = sdpBody(request.body, contentType: request.headers.contentType),
            case let offer = sdp(received, from: side, of: call),
            answerReInviteLocally(request, offer: offer, from: side, call: id, key: key, source: source)
        {
            return
        }
        if acceptTransfer(request, key: key, from: side, call: call) { return }
        relay(request, from: side, call: call, answering: key)
    }

    /// A request in an early dialog (the call rings; a caller's BYE is handled before). The
    /// call's INVITE is in progress and its offer answered, if at all, only in an unreliable
    /// 18x (no PRACK here), so no new offer may start: the caller's re-INVITE (RFC 3261
    /// §14.2) or UPDATE with an offer (RFC 3311 §5.2) gets 500 with a Retry-After, and a
    /// ringing phone's UPDATE with one 491, the engine's own offer (the INVITE) awaiting its
    /// answer (§5.2). An UPDATE without an offer (a refresh) and an OPTIONS are the engine's
    /// to answer, 200. Anything else (an INFO) has nowhere to go before an answer: 491, try
    /// again later. A 481 would tell the phone the dialog is gone (RFC 5057).
    private func earlyDialogRequest(_ request: SIPRequest, key: TransactionKey, from side: CallSide) {
        switch request.method {
        case .invite where side == .caller, .update where !request.body.isEmpty && side == .caller:
            respondRetryLater(request, key: key)
        case .update where !request.body.isEmpty:
            respond(key, to: request, status: 491)
        case .update:
            respond(key, to: request, status: 200)
        case .options:
            var response = SIPResponse(to: request, status: 200)
            response.headers.add("Allow", PBXCore.allowedMethods)
            response.headers.add("Accept", "application/sdp")
            respond(key, with: response)
        default:
            respond(key, to: request, status: 491)
        }
    }

    /// One re-INVITE at a time in a dialog, in either direction (RFC 3261 §14.1), and one
    /// offer at a time (RFC 3311 §5.2). The engine relays a phone's re-INVITE into the other
    /// dialog, so while it waits for that answer, both dialogs have one in progress: the
    /// other phone's crossing request gets 491 (glare, §14.2: each phone retries after its own
    /// random wait), and a second one from the same phone 500 with a Retry-After of 0-10 s.
    /// Relaying the crossing request instead, as the engine did, sent a re-INVITE into a
    /// dialog with one pending, which the phones then refused for it.
    private func refuseWhileRenegotiating(
        _ request: SIPRequest, key: TransactionKey, from side: CallSide, pending: PendingRenegotiation
    ) {
        if pending.offerer == side {
            respondRetryLater(request, key: key)
        } else {
            respond(key, to: request, status: 491)
        }
    }

    /// 500 with a Retry-After of 0-10 s: what RFC 3261 §14.2 and RFC 3311 §5.2 answer a new
    /// offer from a phone whose earlier one is still in progress.
    private func respondRetryLater(_ request: SIPRequest, key: TransactionKey) {
        var response = SIPResponse(to: request, status: 500)
        response.headers.add("Retry-After", String(Int.random(in: 0...10)))
        respond(key, with: response)
    }

    /// Sends `request`'s equivalent into the other leg's dialog.
    private func relay(_ request: SIPRequest, from side: CallSide, call: Call, answering key: TransactionKey) {
        let target = side.other
        var body = request.body
        let contentType = request.headers.contentType
        if let received = sdpBody(request.body, contentType: contentType), let media = call.media {
            let offer = sdp(received, from: side, of: call)
            if let endpoint = offer.audioEndpoint {
                let mediaSide = side.mediaSide
                Task {
                    await media.setRemote(side: mediaSide, host: endpoint.address, port: endpoint.port)
                    await media.relatch(side: mediaSide)
                }
            }
            let port = target == .caller ? media.aPort : media.bPort
            // Both G.711 laws, as in the call's first offer: the other phone may keep its own.
            let anchored = offer.offeringBothG711Laws().anchored(at: configuration.mediaAddress, audioPort: port)
            let stamped = sdp(anchored, stampedFor: target, of: call)
            body = Array(stamped.serialized().utf8)
        }
        let destination: SIPPeerAddress
        let outgoing: SIPRequest
        let contact: NameAddress?
        let farDialog: Dialog
        if target == .caller {
            destination = call.callerSource
            contact = request.method == .invite || request.method == .update ? ourContact(user: call.callee, transport: destination.transport) : nil
            outgoing = call.callerDialog.makeRequest(request.method, via: newVia(for: destination), contact: contact, body: body, contentType: body.isEmpty ? nil : contentType)
            farDialog = call.callerDialog
        } else {
            guard let index = call.answeredLeg, var dialog = call.legs[index].dialog else { return }
            destination = call.legs[index].destination
            contact = request.method == .invite || request.method == .update ? ourContact(user: call.caller, transport: destination.transport) : nil
            outgoing = dialog.makeRequest(request.method, via: newVia(for: destination), contact: contact, body: body, contentType: body.isEmpty ? nil : contentType)
            call.legs[index].dialog = dialog
            farDialog = dialog
        }
        let client = startClient(outgoing, to: destination, purpose: .relayed(call: call.id, answering: key, toward: target))
        if let trunk = trunkOfSide(target, of: call) { keepForTrunkChallenge(outgoing, client: client, trunk: trunk) }
        if request.startsRenegotiation {
            call.pendingRenegotiation = PendingRenegotiation(offerer: side, server: key)
        }
        if request.method == .invite, let entry = transactions.clients[client] {
            entry.relayedInvite = RelayedInvite(dialog: farDialog, destination: destination)
            transactions.relayedInviteByServer[key] = client
        }
    }

    /// The other party answered a relayed request: pass the final answer back.
    func relayedResponse(
        _ response: SIPResponse, call id: UUID, answering key: TransactionKey, toward target: CallSide,
        client: TransactionKey
    ) {
        guard response.statusCode >= 200 else { return }
        if answerRelayedTrunkChallenge(response, call: id, answering: key, toward: target, client: client) { return }
        if transactions.relayedInviteByServer[key] == client { transactions.relayedInviteByServer[key] = nil }
        if let call = calls[id], call.pendingRenegotiation?.server == key { call.pendingRenegotiation = nil }
        let relayedInvite = transactions.clients[client]?.relayedInvite
        let ackCSeq = (try? response.headers.cseq().number) ?? 1
        if let relayedInvite, isRetransmitted2xx(response, of: relayedInvite) { return }
        guard let call = calls[id] else {
            return relayedResponseAfterTheCall(response, answering: key, relayedInvite: relayedInvite, cseq: ackCSeq)
        }
        // A server transaction that already answered has let go of its request: nothing to
        // relay (a 2xx is still ACKed: the far side would end the call without).
        guard let entry = transactions.servers[key], let original = entry.originalRequest else {
            if response.isSuccess, let relayedInvite { sendAck(relayedInvite, cseq: ackCSeq) }
            return
        }
        if response.isSuccess, original.method == .invite || original.method == .update {
            refreshTarget(of: call, toward: target, from: response)
            acceptNearTargetRefresh(original, from: target.other, of: call)
        }
        let localTag = target == .callee ? call.callerDialog.localTag : call.calleeFromTag
        var answer = SIPResponse(to: original, status: response.statusCode, reason: response.reason, toTag: localTag)
        if original.method == .invite, response.isSuccess {
            if original.body.isEmpty, let received = sdp(of: response) {
                let offer = sdp(received, from: target, of: call)
                // A re-INVITE without SDP: the far side's 2xx carries an offer, whose answer
                // comes in the near side's ACK; the far side's ACK waits for it.
                call.deferredAck = DeferredAck(toward: target, inviteCSeq: ackCSeq, transaction: client, offer: offer)
            } else if let relayedInvite {
                // ACK the far side's 2xx ourselves; the near side's ACK only confirms our 2xx.
                sendAck(relayedInvite, cseq: ackCSeq)
            }
            let nearSide = target.other
            answer.headers.add("Contact", ourContact(user: nearSide == .caller ? call.callee : call.caller, transport: entry.source.transport).serialized)
            call.awaitingAck.expect(key, cseq: (try? original.headers.cseq().number) ?? 0, from: nearSide)
        }
        if let received = sdp(of: response), let media = call.media {
            let farSDP = sdp(received, from: target, of: call)
            var forNearSide = farSDP
            if original.method == .invite {
                // An end-to-end renegotiation may change the codec each phone uses.
                if let offer = sdpBody(original.body, contentType: original.headers.contentType).map({ sdp($0, from: target.other, of: call) }) {
                    forNearSide = bridgeLaws(of: call, offer: offer, answer: farSDP, offerer: target.other, media: media)
                    if response.isSuccess { followRenegotiation(of: call, offer: offer, answer: farSDP, offerer: target.other, media: media) }
                }
                // Else the offer came in this 2xx, passed on as it is: the near side's ACK
                // answers it (completeDeferredAck).

            } else if original.method == .update, response.isSuccess,
                let offer = sdpBody(original.body, contentType: original.headers.contentType).map({ sdp($0, from: target.other, of: call) })
            {
                // An UPDATE renegotiates as a re-INVITE does (RFC 3311), a hold included.
                followRenegotiation(of: call, offer: offer, answer: farSDP, offerer: target.other, media: media)
            }
            if let endpoint = farSDP.audioEndpoint {
                let mediaSide = target.mediaSide
                Task { await media.setRemote(side: mediaSide, host: endpoint.address, port: endpoint.port) }
            }
            let port = target == .callee ? media.aPort : media.bPort
            let anchored = forNearSide.anchored(at: configuration.mediaAddress, audioPort: port)
            let stamped = sdp(anchored, stampedFor: target.other, of: call)
            answer.headers.add("Content-Type", "application/sdp")
            answer.body = Array(stamped.serialized().utf8)
        }
        respond(key, with: answer)
    }

    /// The RTP timeout follows an accepted re-INVITE, not the offer alone: a hold the other
    /// phone refused (491, 488) leaves the call timed as it was. A hold suspends it, as does
    /// one the engine answered itself and that still lasts; otherwise each phone is watched
    /// as its new SDP says it sends.
    private func followRenegotiation(
        of call: Call, offer: SessionDescription, answer: SessionDescription, offerer: CallSide, media: any MediaSession
    ) {
        let (callerSDP, calleeSDP) = offerer == .caller ? (offer, answer) : (answer, offer)
        watchSilence(of: call, callerSDP: callerSDP, calleeSDP: calleeSDP, calleeIsApplication: call.answeredByApplication)
        media.updateTimeoutSuspended(offer.isHold || !call.heldBy.isEmpty)
    }

    /// A CANCEL of a re-INVITE the engine relayed (RFC 3261 §9.2): 200 for the CANCEL, and the
    /// CANCEL goes on to the other phone, whose 487 (or 2xx, had it answered first) comes
    /// back as the re-INVITE's answer. False when `key` cancels no such re-INVITE.
    func cancelRelayedReInvite(_ request: SIPRequest, key: TransactionKey) -> Bool {
        guard let client = transactions.relayedInviteByServer[key.cancelTarget()],
            let entry = transactions.clients[client], let invite = entry.request
        else { return false }
        respond(key, to: request, status: 200)
        sendCancel(of: invite, to: entry.destination)
        return true
    }

    /// The far side answered a relayed target refresh (re-INVITE, UPDATE): its Contact is
    /// where that phone takes the call's requests from now on (RFC 3261 §12.2.1.2).
    private func refreshTarget(of call: Call, toward side: CallSide, from response: SIPResponse) {
        if side == .caller {
            call.callerDialog.acceptTargetRefresh(response)
        } else if let index = call.answeredLeg {
            call.legs[index].dialog?.acceptTargetRefresh(response)
        }
    }

    /// `side`'s own re-INVITE or UPDATE is being answered with a 2xx: its Contact becomes
    /// that phone's target in the call (RFC 6141 §3.4: not before, nor on a refusal).
    func acceptNearTargetRefresh(_ request: SIPRequest, from side: CallSide, of call: Call) {
        if side == .caller {
            call.callerDialog.acceptTargetRefresh(answering: request)
        } else if let index = call.answeredLeg {
            call.legs[index].dialog?.acceptTargetRefresh(answering: request)
        }
    }

    /// Whether `response` is a 2xx to the engine's re-INVITE that came before (our ACK was
    /// lost): then the same ACK goes again (none yet while it waits for the near side's
    /// answer), and there is nothing more to do. A first 2xx is noted, its Contact the far
    /// side's target from now on.
    func isRetransmitted2xx(_ response: SIPResponse, of relayedInvite: RelayedInvite) -> Bool {
        guard response.isSuccess else { return false }
        if relayedInvite.answered {
            if let ack = relayedInvite.ack { outbound.send(.request(ack), to: reachable(relayedInvite.destination, for: ack)) }
            return true
        }
        relayedInvite.answered = true
        relayedInvite.acceptTargetRefresh(response)
        return false
    }

    /// ACKs the far side's 2xx to a relayed re-INVITE, with `body` when it carries the answer
    /// to an offer that 2xx made.
    func sendAck(_ relayedInvite: RelayedInvite, cseq: UInt32, body: [UInt8] = []) {
        let destination = relayedInvite.destination
        let ack = relayedInvite.makeAck(cseq: cseq, via: newVia(for: destination), body: body)
        outbound.send(.request(ack), to: reachable(destination, for: ack))
    }

    /// The call ended while its re-INVITE (or INFO, UPDATE) was out. A 2xx is ACKed all the
    /// same (the BYE went out already), and the phone that sent the request, if it still
    /// waits, hears 487 (RFC 3261 §15.1.2) instead of nothing until its own timeout.
    private func relayedResponseAfterTheCall(
        _ response: SIPResponse, answering key: TransactionKey, relayedInvite: RelayedInvite?, cseq: UInt32
    ) {
        if let original = transactions.servers[key]?.originalRequest {
            respond(key, to: original, status: 487)
        }
        if response.isSuccess, let relayedInvite { sendAck(relayedInvite, cseq: cseq) }
    }

    /// The near side's ACK answered the offer in the far side's 2xx (a re-INVITE without SDP):
    /// the answer goes on, anchored, in the far side's ACK. An ACK without an answer is
    /// passed on as it is; the far side decides what that means for its session.
    private func completeDeferredAck(_ deferred: DeferredAck, nearAck: SIPRequest, call: Call) {
        var body: [UInt8] = []
        if let received = sdpBody(nearAck.body, contentType: nearAck.headers.contentType), let media = call.media {
            let answer = sdp(received, from: deferred.toward.other, of: call)
            if let endpoint = answer.audioEndpoint {
                media.updateRemote(side: deferred.toward.other.mediaSide, host: endpoint.address, port: endpoint.port)
            }
            // The codec both phones use now, the bridge between laws with it, and whom the
            // RTP timeout watches (a hold offered in the 2xx suspends it) follow this answer.
            let forFarSide = bridgeLaws(of: call, offer: deferred.offer, answer: answer, offerer: deferred.toward, media: media)
            followRenegotiation(of: call, offer: deferred.offer, answer: answer, offerer: deferred.toward, media: media)
            let port = deferred.toward == .callee ? media.bPort : media.aPort
            let anchored = forFarSide.anchored(at: configuration.mediaAddress, audioPort: port)
            let stamped = sdp(anchored, stampedFor: deferred.toward, of: call)
            body = Array(stamped.serialized().utf8)
        }
        // The far side gives its 2xx up after 64·T1, and its transaction with it.
        guard let relayedInvite = transactions.clients[deferred.transaction]?.relayedInvite else { return }
        sendAck(relayedInvite, cseq: deferred.inviteCSeq, body: body)
    }

    /// An ACK that matched no server transaction: the end-to-end ACK for one of our 2xx.
    func dialogAck(_ request: SIPRequest) {
        if monitorAck(request) { return }
        guard let toTag = try? request.headers.toTag(), let callID = request.headers.callID else { return }
        let dialogID = DialogID(callID: callID, localTag: toTag)
        guard let id = callByDialog[dialogID], let call = calls[id] else {
            _ = byeWhenAcknowledged(request, dialog: dialogID)
            return
        }
        if callID != call.callerDialog.callID, let key = call.pickerAwaitingAck {
            call.pickerAwaitingAck = nil
            runServer(key) { txn in txn.acknowledged() }
            if call.pickerLateOffer {
                call.pickerLateOffer = false
                acceptLateAnswer(request, call: call, side: .callee)
            }
            return
        }
        let side: CallSide = callID == call.callerDialog.callID && toTag == call.callerDialog.localTag ? .caller : .callee
        guard let cseq = try? request.headers.cseq().number, let key = call.awaitingAck.take(from: side, cseq: cseq) else { return }
        runServer(key) { txn in txn.acknowledged() }
        if call.lateOffer, key == call.inviteKey {
            call.lateOffer = false  // answered (or ended) once; a retransmitted ACK changes nothing
            acceptLateAnswer(request, call: call, side: .caller)
        }
        if let deferred = call.deferredAck, deferred.toward == side.other {
            call.deferredAck = nil
            completeDeferredAck(deferred, nearAck: request, call: call)
        }
    }

    /// The ACK of a phone that sent no offer (the caller, or a phone that picked the call up)
    /// answers the one in our 2xx. Without a usable answer there is no audio to relay, and
    /// RFC 3261 §13.3.1.4 has the UAS end the session with BYE: both legs are hung up.
    private func acceptLateAnswer(_ ack: SIPRequest, call: Call, side: CallSide) {
        var answer = sdpBody(ack.body, contentType: ack.headers.contentType)
        if side == .callee, let key = call.answered?.offeredSRTPKey, let received = answer {
            // A picker offered the engine's key: its answer's key terminates side B.
            let srtp = SRTPTermination(sdp: received, engineKey: key)
            terminateCalleeSRTP(of: call, srtp)
            if srtp != nil { answer = received.withoutSDES() }
        }
        if side == .caller, let key = call.lateOfferSRTPKey, let received = answer, let media = call.media,
            let srtp = SRTPTermination(sdp: received, engineKey: key)
        {
            // The caller was offered the engine's key in its 2xx (lateOfferSecured).
            terminateCallerSRTP(call, srtp, media: media)
            answer = received.withoutSDES()
        }
        guard let answer, let codec = answer.voiceCodec, let endpoint = answer.audioEndpoint else {
            logger.notice(
                "an ACK brought no usable answer to the offer in our 2xx; ending the call",
                metadata: ["call": "\(call.id)", "side": "\(side)", "body": "\(ack.body.count) bytes"])
            endCall(call.id, cause: "no_answer_in_ack", side: .system, disposition: nil)
            return
        }
        switch side {
        case .caller:
            call.callerCodec = codec
            call.media?.updateRemote(side: .a, host: endpoint.address, port: endpoint.port)
        case .callee:
            call.calleeCodec = codec
            pointRelay(of: call, toPickerAt: endpoint, awayFromCurrent: call.pickerLatchAway)
        }
    }

    /// The SDP of a message body, if it is one and parses.
    func sdpBody(_ body: [UInt8], contentType: String?) -> SessionDescription? {
        guard !body.isEmpty, contentType?.lowercased().hasPrefix("application/sdp") == true else { return nil }
        return try? SessionDescription(parsing: String(decoding: body, as: UTF8.self))
    }
}

extension SIPRequest {
    /// A re-INVITE (with or without an offer) or an UPDATE with one: at most one of these may
    /// be in progress in a dialog.
    fileprivate var startsRenegotiation: Bool { method == .invite || (method == .update && !body.isEmpty) }
}
