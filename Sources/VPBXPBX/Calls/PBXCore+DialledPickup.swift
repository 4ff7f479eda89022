import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling
import VPBXText

/// Call pickup dialled from a phone (feature `pickup`, `*8` by default): alone it answers the
/// longest-ringing call to an extension of the caller's pickup group (Asterisk's `*8`);
/// followed by an extension (`*8101`) the call ringing that extension (directed pickup).
///
/// The picker's INVITE becomes the call's answered callee leg, in place of the phones that
/// were ringing (they get CANCEL). Both phones made offers and nobody answered yet, so the
/// core answers both itself, each in the codec they share (the first of the picker's offer
/// the caller also offered), at the call's anchored ports: the relay then forwards as for any
/// call. Only calls nobody answered yet can be picked up; a queue caller whose agents ring
/// was answered by the queue (take it with `queue.pickup`).
extension PBXCore {
    func pickUpByDialling(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, picker: String, target: String?,
        path: [String]
    ) {
        let refuse = pickerRefusal(request, key: key, picker: picker, path: path)
        let ringing = calls.values.filter { call in
            // Routing with legs: the phones were sent the INVITE and may ring before their 180.
            call.answeredLeg == nil && !call.finalSentToCaller && (call.state == .ringing || call.state == .routing)
                && call.legs.contains { !$0.isDone } && call.media != nil && call.caller != picker
        }
        let chosen: Call?
        if let target {
            chosen = ringing.filter { $0.ringsExtension(target) }.min { $0.startedAt < $1.startedAt }
        } else {
            guard let group = directory[picker]?.pickupGroup else {
                refuse(480, "Not In A Pickup Group")
                return
            }
            chosen = ringing.filter { call in
                call.ringingExtensions.contains { $0 != picker && directory[$0]?.pickupGroup == group }
            }.min { $0.startedAt < $1.startedAt }
        }
        guard let call = chosen else {
            refuse(480, "No Call To Pick Up")
            return
        }
        connectPicker(request, key: key, source: source, picker: picker, to: call, path: path, refuse: refuse)
    }

    /// Refuses a picker's INVITE (`*8`, `*713`, an INVITE with Replaces) with a status and
    /// reason, leaving the attempt's record (the number it dialled, `path`).
    func pickerRefusal(_ request: SIPRequest, key: TransactionKey, picker: String, path: [String])
        -> (Int, String?) -> Void
    {
        let now = Date()
        let dialled = request.uri.user ?? ""
        return { status, reason in
            self.rejectAttempt(
                request, key: key, status: status, reason: reason, caller: picker,
                callerName: self.directory[picker]?.displayName, callee: dialled, at: now, path: path)
        }
    }

    /// Answers `call`, still ringing, with the picker's INVITE in place of the phones that
    /// ring; `refuse` answers the INVITE when that cannot be done.
    func connectPicker(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, picker: String, to call: Call, path: [String],
        refuse: (Int, String?) -> Void
    ) {
        let now = Date()
        let dialled = request.uri.user ?? ""
        guard let media = call.media else {
            refuse(480, "No Call To Pick Up")
            return
        }
        // A picker's INVITE without a body is a late offer: the engine offers it the codec it
        // answers the caller with, and the picker's ACK answers.
        let lateOffer = request.body.isEmpty
        let offer = sdpBody(request.body, contentType: request.headers.contentType)
        guard lateOffer || offer != nil else {
            refuse(488, "SDP Required")
            return
        }
        // The engine answers both phones itself: a picker offering SDES keys gets the
        // engine's, its SRTP terminated on the relay's B side (the caller's, if it has any,
        // is terminated since its call began).
        let pickerSRTP = offer.flatMap { SRTPTermination(sdp: $0) }
        guard
            let (toCaller, toPicker) = pickupAnswers(
                callerOffer: call.offer, pickerOffer: pickerSRTP == nil ? offer : offer?.withoutSDES(), media: media)
        else {
            refuse(488, nil)
            return
        }
        terminateCalleeSRTP(of: call, pickerSRTP)
        let localTag = SIPIdentifiers.tag()
        guard let dialog = try? Dialog(uasInvite: request, localTag: localTag), let callID = request.headers.callID else {
            respond(key, to: request, status: 400)
            return
        }
        let id = call.id
        for index in call.legs.indices where !call.legs[index].isDone {
            cancelLeg(at: index, of: call, answeredElsewhere: true)
        }
        let latchAway = clearConfirmationLeftovers(of: call)
        var leg = CalleeLeg(contact: dialog.remoteTarget, destination: source, invite: request, transactionKey: key)
        leg.state = .answered
        leg.dialog = dialog
        leg.extensionNumber = picker
        call.legs.append(leg)
        call.answeredLeg = call.legs.count - 1
        // The picker's dialog is the callee side from now on.
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = nil
        call.calleeCallID = callID
        call.calleeFromTag = localTag
        callByDialog[DialogID(callID: callID, localTag: localTag)] = id
        callByInvite[key] = id
        call.callee = picker
        call.path.append("pickup:\(picker)")
        call.state = .answered
        call.answeredAt = now
        watchSilence(of: call, callerSDP: call.offer, calleeSDP: offer, calleeIsApplication: false)
        media.updateTimeoutSuspended(false)  // as at any answer: media is due from now
        call.callerCodec = MusicOnHold.Codec(
            encoding: toCaller.codec.encodingName.uppercased(), payloadType: toCaller.codec.payloadType)
        call.calleeCodec = MusicOnHold.Codec(
            encoding: toPicker.codec.encodingName.uppercased(), payloadType: toPicker.codec.payloadType)
        call.pickerLateOffer = lateOffer
        call.pickerLatchAway = latchAway
        if let endpoint = offer?.audioEndpoint { pointRelay(of: call, toPickerAt: endpoint, awayFromCurrent: latchAway) }

        var pickerOK = SIPResponse(to: request, status: 200, toTag: localTag)
        pickerOK.headers.add("Contact", ourContact(user: call.caller, transport: source.transport).serialized)
        pickerOK.headers.add("Allow", PBXCore.allowedMethods)
        pickerOK.headers.add("Content-Type", "application/sdp")
        let toPickerSDP = sdp(toPicker.sdp, stampedFor: .callee, of: call)
        let offerOrAnswer = lateOffer ? securedOffer(toPickerSDP, toPicker: picker, of: call) : toPickerSDP
        pickerOK.body = Array(offerOrAnswer.serialized().utf8)
        var callerOK = SIPResponse(to: call.invite, status: 200, toTag: call.callerDialog.localTag)
        callerOK.headers.add("Contact", ourContact(user: picker, transport: call.callerSource.transport).serialized)
        callerOK.headers.add("Allow", PBXCore.allowedMethods)
        callerOK.headers.add("Content-Type", "application/sdp")
        callerOK.body = Array(sdp(toCaller.answer, stampedFor: .caller, of: call).serialized().utf8)
        call.finalSentToCaller = true
        call.awaitingAck.expect(call.inviteKey, cseq: call.inviteCSeq, from: .caller)
        call.pickerAwaitingAck = key
        respond(key, with: pickerOK)
        respond(call.inviteKey, with: callerOK)
        writes.enqueue(.cdrAnswered(id: id, at: now))
        emit(.callRouted(caller: picker, dialled: dialled, path: path + ["pickup:\(call.id.lowercaseText)"]))
        emit(.callAnswered(call.snapshot))
        recordIfWanted(call)
        logger.info(
            "call picked up from a phone",
            metadata: ["call": "\(id)", "picker": "\(picker)", "lateOffer": "\(lateOffer)"])
    }

    /// What the core sends each side of a picked-up call: both are answered in a codec they
    /// share (the first of the picker's offer the caller also offered). A picker that sent no
    /// offer is offered the one codec the caller is answered with, the caller's first G.711
    /// one when it offered any (every phone has it), with the caller's telephone-event payload type, so
    /// the relay forwards keys between them unchanged.
    private func pickupAnswers(
        callerOffer: SessionDescription, pickerOffer: SessionDescription?, media: any MediaSession
    ) -> (toCaller: NegotiatedAudio, toPicker: (sdp: SessionDescription, codec: RTPMap))? {
        let callerCodecs = callerOffer.firstAudioIndex.map { callerOffer.media[$0].codecs.map { $0.encodingName.uppercased() } } ?? []
        let voiceCodecs = callerCodecs.filter { $0 != "TELEPHONE-EVENT" && $0 != "CN" }
        let placeholder = Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress)
        guard let pickerOffer else {
            guard
                let toCaller = try? SessionDescription.answer(
                    to: callerOffer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.aPort,
                    localCodecs: voiceCodecs.filter { $0 == "PCMA" || $0 == "PCMU" } + voiceCodecs)
            else { return nil }
            return (toCaller, (toCaller.answer.anchored(at: configuration.mediaAddress, audioPort: media.bPort), toCaller.codec))
        }
        guard
            let toPicker = try? SessionDescription.answer(
                to: pickerOffer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.bPort,
                localCodecs: voiceCodecs),
            let toCaller = try? SessionDescription.answer(
                to: callerOffer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.aPort,
                localCodecs: [toPicker.codec.encodingName.uppercased()])
        else { return nil }
        return (toCaller, (toPicker.answer, toPicker.codec))
    }

    /// The engine's offer in the 2xx to a picker that sent none: a phone of an extension that
    /// speaks SRTP gets the engine's key, and its ACK's answer is read with it
    /// (acceptLateAnswer).
    func securedOffer(_ offer: SessionDescription, toPicker picker: String, of call: Call) -> SessionDescription {
        guard let policy = directory[picker]?.srtp, policy != .off, let answered = call.answeredLeg else { return offer }
        let key = SRTPKeyMaterial.random()
        call.legs[answered].offeredSRTPKey = key
        return SRTPTermination.offer(offer, policy: policy, engineKey: key)
    }

    /// Points the B side of the relay at the picker's phone. A phone that rang may have sent
    /// early media, and the relay latched to it: it latches again.
    func pointRelay(of call: Call, toPickerAt endpoint: (address: String, port: Int), awayFromCurrent: Bool = false) {
        guard let media = call.media else { return }
        Task {
            await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port)
            await media.relatch(side: .b, awayFromCurrent: awayFromCurrent)
        }
    }
}

extension Call {
    /// The extensions whose phones ring for this call now.
    var ringingExtensions: [String] {
        let fromLegs = legs.filter { !$0.isDone && $0.state != .answered }.compactMap(\.extensionNumber)
        return fromLegs.isEmpty ? [callee] : fromLegs
    }

    func ringsExtension(_ number: String) -> Bool { ringingExtensions.contains(number) }
}
