import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXSignaling

/// A phone dials the park pickup code and a slot (`*713`, feature `park-pickup`): the call
/// parked there (its caller answered by the park application, hearing music) is connected to
/// that phone.
///
/// As with a dialled pickup (PBXCore+DialledPickup.swift) the picker's INVITE becomes the
/// call's answered callee leg, here in place of the park application's, which gets BYE. The
/// caller keeps the codec it agreed with the application: the picker is answered in it, at
/// the call's relay B side, so the relay forwards as for any call and the parked caller's
/// phone sees nothing change. Only a picker offering that codec is taken (488 otherwise);
/// a picker without an offer (late offer) is offered that codec alone, and its ACK answers.
extension PBXCore {
    func pickUpParked(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, picker: String, slot: Int?, path: [String]
    ) {
        let dialled = request.uri.user ?? ""
        let refuse = pickerRefusal(request, key: key, picker: picker, path: path)
        guard let parked = parking.call(on: slot), let call = calls[parked.callID], call.media != nil,
            call.state == .answered, !call.handingOn, call.answeredByApplication,
            call.calleeCallID == parked.applicationCallID, let parkLeg = call.answeredLeg
        else {
            refuse(480, "Nothing Parked There")
            return
        }
        guard call.join == nil, call.transfer == nil, call.pendingRenegotiation == nil, call.deferredAck == nil else {
            refuse(486, "Parked Call Busy")
            return
        }
        let lateOffer = request.body.isEmpty
        let offer = sdpBody(request.body, contentType: request.headers.contentType)
        guard lateOffer || offer != nil else {
            refuse(488, "SDP Required")
            return
        }
        let pickerSRTP = offer.flatMap { SRTPTermination(sdp: $0) }
        guard let toPicker = parkedCallerCodec(of: call, toward: pickerSRTP == nil ? offer : offer?.withoutSDES())
        else {
            refuse(488, nil)
            return
        }
        let localTag = SIPIdentifiers.tag()
        guard let dialog = try? Dialog(uasInvite: request, localTag: localTag), let callID = request.headers.callID
        else {
            respond(key, to: request, status: 400)
            return
        }
        // The lot decides between this pickup and the parked caller's timeout.
        guard parking.claim(applicationCallID: parked.applicationCallID, because: .pickedUp) != nil else {
            refuse(480, "Nothing Parked There")
            return
        }
        terminateCalleeSRTP(of: call, pickerSRTP)

        // The park application's leg: BYE. Its dialog still finds the call until it ends.
        if var parkDialog = call.legs[parkLeg].dialog {
            let destination = call.legs[parkLeg].destination
            sendBye(parkDialog.makeRequest(.bye, via: newVia(for: destination), contact: nil), to: destination)
            call.legs[parkLeg].dialog = parkDialog
        }
        call.legs[parkLeg].state = .failed
        call.earlierCalleeDialogs.append(DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag))

        var leg = CalleeLeg(contact: dialog.remoteTarget, destination: source, invite: request, transactionKey: key)
        leg.state = .answered
        leg.dialog = dialog
        leg.extensionNumber = picker
        leg.answerMedia = offer?.audioEndpoint.map { MediaAddress(host: $0.address, port: $0.port) }
        call.legs.append(leg)
        call.answeredLeg = call.legs.count - 1
        // The picker's dialog is the callee side from now on.
        call.calleeCallID = callID
        call.calleeFromTag = localTag
        // A new dialog, a new SDP session toward it.
        call.calleeOrigin = OriginTracker(sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress)
        callByDialog[DialogID(callID: callID, localTag: localTag)] = call.id
        callByInvite[key] = call.id
        call.callee = picker
        let step = "park:\(parked.slot)=\(picker)"
        call.path.append(step)
        writes.enqueue(.cdrPath(id: call.id, path: call.path))
        watchSilence(of: call, callerSDP: call.offer, calleeSDP: offer, calleeIsApplication: false)
        call.calleeCodec = MusicOnHold.Codec(
            encoding: toPicker.codec.encodingName.uppercased(), payloadType: toPicker.codec.payloadType)
        call.pickerLateOffer = lateOffer
        call.pickerLatchAway = true  // the application's last packets may not keep the latch
        if let endpoint = offer?.audioEndpoint { pointRelay(of: call, toPickerAt: endpoint, awayFromCurrent: true) }

        var pickerOK = SIPResponse(to: request, status: 200, toTag: localTag)
        pickerOK.headers.add("Contact", ourContact(user: call.caller, transport: source.transport).serialized)
        pickerOK.headers.add("Allow", PBXCore.allowedMethods)
        pickerOK.headers.add("Content-Type", "application/sdp")
        let toPickerSDP = sdp(toPicker.sdp, stampedFor: .callee, of: call)
        let offerOrAnswer = lateOffer ? securedOffer(toPickerSDP, toPicker: picker, of: call) : toPickerSDP
        pickerOK.body = Array(offerOrAnswer.serialized().utf8)
        call.pickerAwaitingAck = key
        respond(key, with: pickerOK)
        emit(.callRouted(caller: picker, dialled: dialled, path: path + [step]))
        emit(.callAnswered(call.snapshot))
        recordIfWanted(call)
        logger.info(
            "parked call picked up",
            metadata: ["call": "\(call.id)", "slot": "\(parked.slot)", "picker": "\(picker)"])
    }

    /// What the picker is sent: the answer to its offer in the codec the parked caller talks,
    /// or, when it sent none, an offer of that codec alone (with the caller's telephone-event
    /// payload type, so the relay forwards keys unchanged). Nil when the picker's offer lacks
    /// the codec: no transcoding on pickup.
    private func parkedCallerCodec(
        of call: Call, toward pickerOffer: SessionDescription?
    ) -> (sdp: SessionDescription, codec: RTPMap)? {
        guard let callerCodec = call.callerCodec, let media = call.media else { return nil }
        let placeholder = Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress)
        guard let pickerOffer else {
            guard
                let callerSide = try? SessionDescription.answer(
                    to: call.offer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.bPort,
                    localCodecs: [callerCodec.encoding])
            else { return nil }
            return (callerSide.answer, callerSide.codec)
        }
        guard
            let toPicker = try? SessionDescription.answer(
                to: pickerOffer, origin: placeholder, address: configuration.mediaAddress, audioPort: media.bPort,
                localCodecs: [callerCodec.encoding])
        else { return nil }
        return (toPicker.answer, toPicker.codec)
    }

    /// The lot changed: the event (which also refreshes the slots' busy lamps).
    func parkingChanged(_ change: ParkingLot.Change) {
        switch change {
        case .parked(let parked): emit(.callParked(parked))
        case .left(let parked, let departure): emit(.callUnparked(parked, reason: departure))
        }
    }
}
