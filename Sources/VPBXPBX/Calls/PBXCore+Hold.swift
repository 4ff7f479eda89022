import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling

/// Hold and resume with music on hold.
///
/// A phone puts the call on hold with a re-INVITE whose offer is `sendonly` or `inactive`. The
/// core answers that re-INVITE itself (the engine anchors the media, so it can) and plays
/// music to the other party out of that party's own relay port; the other party's phone sees
/// no re-INVITE at all. The resume re-INVITE is answered the same way and the relay goes back
/// to forwarding. This is what Asterisk and FreeSWITCH do by default, and it spares the
/// held phone a mid-call re-INVITE (which many deployed phones handle poorly).
///
/// The core answers only when it can do so faithfully: the call's codec is one the music
/// exists in, and the offer still carries that codec under the same payload type. Anything
/// else (a codec change, a video stream added) is relayed end to end as before.
///
/// It answers the same way any re-INVITE of a caller talking to one of the engine's
/// applications (a menu, a queue's wait, voicemail): a session refresh (RFC 4028), a phone
/// that moved its media. The application's audio is the engine's own, so there is no other
/// phone to ask, and refusing it (488, the application's answer before) left the caller's
/// new address unfollowed.
extension PBXCore {
    /// Answers a hold or resume re-INVITE (or one toward an application) locally, if it is
    /// one the core can answer. Returns false when the request must be relayed to the other
    /// party instead.
    func answerReInviteLocally(
        _ request: SIPRequest, offer: SessionDescription, from side: CallSide, call id: UUID, key: TransactionKey,
        source: SIPPeerAddress
    ) -> Bool {
        guard let call = calls[id], let media = call.media else { return false }
        // While an application hands its caller on (a queue's agent rings), the caller's far
        // end is still the engine's: the application's audio, then the answering phone's
        // through the relay, which follows the caller's new address either way.
        let callerHandedOn = call.handingOn && side == .caller
        guard call.answeredLeg != nil && !call.handingOn || callerHandedOn,
            let codec = call.codec(of: side), MusicOnHold.encodings.contains(codec.encoding.uppercased())
        else { return false }
        let holding = offer.isHold
        let wasHolding = call.heldBy.contains(side)
        guard holding || wasHolding || call.answeredByApplication || callerHandedOn else { return false }

        let port = side == .caller ? media.aPort : media.bPort
        let negotiated: NegotiatedAudio
        do {
            negotiated = try SessionDescription.answer(
                to: offer, origin: Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress),
                address: configuration.mediaAddress, audioPort: port, localCodecs: [codec.encoding])
        } catch {
            return false
        }
        guard negotiated.codec.payloadType == codec.payloadType,
            offer.media.indices.allSatisfy({ $0 == negotiated.mediaIndex || offer.media[$0].isDisabled })
        else { return false }

        let body = sdp(negotiated.answer, stampedFor: side, of: call)
        let localTag = side == .caller ? call.callerDialog.localTag : call.calleeFromTag
        var ok = SIPResponse(to: request, status: 200, toTag: localTag)
        ok.headers.add("Contact", ourContact(user: side == .caller ? call.callee : call.caller, transport: source.transport).serialized)
        ok.headers.add("Allow", PBXCore.allowedMethods)
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = Array(body.serialized().utf8)
        call.awaitingAck.expect(key, cseq: (try? request.headers.cseq().number) ?? 0, from: side)
        acceptNearTargetRefresh(request, from: side, of: call)

        // The holder may have moved its media (or, inactive, stopped sending): follow its SDP.
        if let endpoint = offer.audioEndpoint {
            let mediaSide = side.mediaSide
            Task {
                await media.setRemote(side: mediaSide, host: endpoint.address, port: endpoint.port)
                await media.relatch(side: mediaSide)
            }
        }
        let listener = side.other
        let wasHeld = !call.heldBy.isEmpty
        if holding {
            call.heldBy.insert(side)
            if let listenerCodec = call.codec(of: listener), MusicOnHold.encodings.contains(listenerCodec.encoding.uppercased()) {
                media.playMusic(toward: listener.mediaSide, codec: listenerCodec)
            }
        } else if wasHolding {
            call.heldBy.remove(side)
            media.stopMusic(toward: listener.mediaSide)
        }
        if wasHeld != !call.heldBy.isEmpty {
            let suspended = !call.heldBy.isEmpty
            media.updateTimeoutSuspended(suspended)
        }
        respond(key, with: ok)
        guard holding || wasHolding else { return true }  // a refresh: no change to tell of
        emit(holding ? .callHeld(call.snapshot, by: side.partyName) : .callResumed(call.snapshot, by: side.partyName))
        logger.info(
            holding ? "call put on hold, music to the other party" : "call resumed",
            metadata: ["call": "\(id)", "by": "\(side.partyName)"])
        return true
    }
}

extension CallSide {
    /// How events and logs name the party: `caller` or `callee`.
    var partyName: String { self == .caller ? "caller" : "callee" }
}

extension Call {
    /// The audio codec `side`'s phone uses (from the answer it sent or received).
    func codec(of side: CallSide) -> MusicOnHold.Codec? {
        side == .caller ? callerCodec : calleeCodec
    }
}

extension SessionDescription {
    /// The voice codec of the first audio stream as an answer fixed it: its first format that
    /// is not `telephone-event` or comfort noise.
    /// Nil for encrypted media (SRTP): the engine can neither play music into it nor record
    /// it, having no key.
    var voiceCodec: MusicOnHold.Codec? {
        guard let index = firstAudioIndex, !media[index].carriesEncryptedMedia else { return nil }
        guard let codec = media[index].codecs.first(where: { !$0.hasEncoding("telephone-event") && !$0.hasEncoding("CN") })
        else { return nil }
        return MusicOnHold.Codec(encoding: codec.encodingName.uppercased(), payloadType: codec.payloadType)
    }
}
