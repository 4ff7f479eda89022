import Foundation
import VPBXSDP
import VPBXSIP
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
        let now = Date()
        let dialled = request.uri.user ?? ""
        let refuse = { (status: Int, reason: String?) in
            self.rejectAttempt(
                request, key: key, status: status, reason: reason, caller: picker,
                callerName: self.directory[picker]?.displayName, callee: dialled, at: now, path: path)
        }
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
        guard let call = chosen, let media = call.media else {
            refuse(480, "No Call To Pick Up")
            return
        }
        guard let offer = sdpBody(request.body, contentType: request.headers.contentType) else {
            refuse(488, "Offer Required")
            return
        }
        let callerCodecs = call.offer.firstAudioIndex.map { call.offer.media[$0].codecs.map { $0.encodingName.uppercased() } } ?? []
        let placeholder = Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress)
        guard
            let toPicker = try? SessionDescription.answer(
                to: offer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.bPort,
                localCodecs: callerCodecs.filter { $0 != "TELEPHONE-EVENT" && $0 != "CN" }),
            let toCaller = try? SessionDescription.answer(
                to: call.offer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.aPort,
                localCodecs: [toPicker.codec.encodingName.uppercased()])
        else {
            refuse(488, nil)
            return
        }
        let localTag = SIPIdentifiers.tag()
        guard let dialog = try? Dialog(uasInvite: request, localTag: localTag), let callID = request.headers.callID else {
            respond(key, to: request, status: 400)
            return
        }
        let id = call.id
        for index in call.legs.indices where !call.legs[index].isDone {
            call.legs[index] = cancelLeg(call.legs[index])
        }
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
        call.callerCodec = MusicOnHold.Codec(
            encoding: toCaller.codec.encodingName.uppercased(), payloadType: toCaller.codec.payloadType)
        call.calleeCodec = MusicOnHold.Codec(
            encoding: toPicker.codec.encodingName.uppercased(), payloadType: toPicker.codec.payloadType)
        if let endpoint = offer.audioEndpoint {
            // A phone that rang may have sent early media and latched the B side.
            Task {
                await media.setRemote(side: .b, host: endpoint.address, port: endpoint.port)
                await media.relatch(side: .b)
            }
        }

        var pickerOK = SIPResponse(to: request, status: 200, toTag: localTag)
        pickerOK.headers.add("Contact", ourContact(user: call.caller, transport: source.transport).serialized)
        pickerOK.headers.add("Allow", PBXCore.allowedMethods)
        pickerOK.headers.add("Content-Type", "application/sdp")
        pickerOK.body = Array(call.calleeOrigin.stamp(toPicker.answer).serialized().utf8)
        var callerOK = SIPResponse(to: call.invite, status: 200, toTag: call.callerDialog.localTag)
        callerOK.headers.add("Contact", ourContact(user: picker, transport: call.callerSource.transport).serialized)
        callerOK.headers.add("Allow", PBXCore.allowedMethods)
        callerOK.headers.add("Content-Type", "application/sdp")
        callerOK.body = Array(call.callerOrigin.stamp(toCaller.answer).serialized().utf8)
        call.finalSentToCaller = true
        call.awaitingAck = call.inviteKey
        call.pickerAwaitingAck = key
        respond(key, with: pickerOK)
        respond(call.inviteKey, with: callerOK)
        writes.enqueue(.cdrAnswered(id: id, at: now))
        emit(.callRouted(caller: picker, dialled: dialled, path: path + ["pickup:\(call.id.lowercaseText)"]))
        emit(.callAnswered(call.snapshot))
        logger.info(
            "call picked up from a phone",
            metadata: ["call": "\(id)", "picker": "\(picker)", "target": "\(target ?? "group")"])
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
