import VPBXSDP
import VPBXSRTP
import VPBXStore

/// Where SRTP is terminated (``SRTPTermination``): every SDP a phone of the call sends is
/// read through ``sdp(_:from:of:)`` (its keys followed, then seen plain by the rest of the
/// core), every SDP it is sent goes through ``sdp(_:stampedFor:of:)``, and the callee legs'
/// answers through ``sdpFromCalleeLeg(_:leg:of:)``.
extension PBXCore {
    /// Starts terminating the caller's SRTP when its offer carries SDES keys the engine can
    /// take. Returns the offer the far side gets: plain when terminated (phones that want
    /// SRTP then get the engine's key, ``calleeBody``), the caller's as it is otherwise
    /// (keys the engine cannot take pass on, and the far side may refuse them).
    ///
    /// Always, as Asterisk does, even between two SRTP phones: keys passed end to end
    /// (stops 52-54 did that between phones of `--srtp mandatory` extensions) leave the
    /// engine blind to the call, and a call's later course needs its audio: a transfer (the
    /// new phone's key would have to reach the caller, which the engine does not re-INVITE),
    /// music on hold, listening in, recording on demand. Called again for every later
    /// ringing phase (forwarding, voicemail, a console's pickup): a no-op once terminated,
    /// it covers a call whose first phase rang nothing.
    func terminateCallerSRTPIfNeeded(_ call: Call, destinations: [RingTarget], media: any MediaSession)
        -> SessionDescription
    {
        guard call.callerSRTP == nil, !call.finalSentToCaller, !destinations.isEmpty,
            let srtp = SRTPTermination(sdp: call.offer)
        else { return call.offer }
        terminateCallerSRTP(call, srtp, media: media)
        return call.offer
    }

    /// Terminates the caller's SRTP under `srtp` from now on: the caller's offer, as
    /// everything from here on reads it, is plain.
    func terminateCallerSRTP(_ call: Call, _ srtp: SRTPTermination, media: any MediaSession) {
        call.callerSRTP = srtp
        call.offer = call.offer.withoutSDES()
        media.terminateSRTP(srtp.relayKeys, on: .a)
        logger.debug("caller's SRTP terminated", metadata: ["call": "\(call.id)", "suite": "\(srtp.suite.rawValue)"])
    }

    /// Whether SRTP passes between the phones as it is (keys the engine cannot take): the
    /// caller's offer and the answering phone's answer, both as the core reads them (plain on
    /// a side whose SRTP the engine terminates), carry encrypted media. Both, not the offer
    /// alone: a best-effort offer (keys under `RTP/AVP`) may be answered plain, and then the
    /// audio is plain.
    static func srtpPassesEndToEnd(offer: SessionDescription, answer: SessionDescription?) -> Bool {
        guard let answer, let offered = offer.firstAudioIndex, let answered = answer.firstAudioIndex else {
            return false
        }
        return offer.media[offered].carriesEncryptedMedia && answer.media[answered].carriesEncryptedMedia
    }

    /// The INVITE body for `target`: `body` as it is, or, for a phone of an extension that
    /// wants SRTP (or a trunk whose provider does) while the offer is plain, the offer with
    /// the engine's key for it (which the leg keeps, to read the answer with).
    func calleeBody(_ body: [UInt8], for target: RingTarget) -> (body: [UInt8], engineKey: SRTPKeyMaterial?) {
        guard target.destination.host != Application.host, let policy = srtpPolicy(of: target), policy != .off,
            let offer = sdpBody(body, contentType: "application/sdp"), let index = offer.firstAudioIndex,
            !offer.media[index].carriesEncryptedMedia
        else { return (body, nil) }
        let key = SRTPKeyMaterial.random()
        return (Array(SRTPTermination.offer(offer, policy: policy, engineKey: key).serialized().utf8), key)
    }

    /// What `target` speaks: its trunk's setting for a provider, else its extension's.
    private func srtpPolicy(of target: RingTarget) -> SRTPPolicy? {
        if let name = target.trunk { return trunk(named: name)?.srtp }
        return target.extensionNumber.flatMap { directory[$0] }?.srtp
    }

    /// The SDP of leg `index`'s 18x or 2xx as the rest of the core reads it. A leg offered
    /// the engine's key whose phone answered with its own has its SRTP terminated on the
    /// relay's B side from now on; any other leg's answer ends a termination another phone
    /// left there.
    func sdpFromCalleeLeg(_ sdp: SessionDescription, leg index: Int, of call: Call) -> SessionDescription {
        let next = call.legs[index].offeredSRTPKey.flatMap { SRTPTermination(sdp: sdp, engineKey: $0) }
        terminateCalleeSRTP(of: call, next)
        return next == nil ? sdp : sdp.withoutSDES()
    }

    /// `sdp` as the 2xx to a caller that sent no offer carries it: the engine's offer, with
    /// the engine's key (kept in the call, to read the ACK's answer with) when the caller's
    /// extension speaks SRTP; as it is otherwise.
    func lateOfferSecured(_ sdp: SessionDescription, for call: Call) -> SessionDescription {
        guard call.lateOffer, call.callerSRTP == nil, let policy = directory[call.caller]?.srtp, policy != .off else {
            return sdp
        }
        let key = call.lateOfferSRTPKey ?? SRTPKeyMaterial.random()
        call.lateOfferSRTPKey = key
        return SRTPTermination.offer(sdp, policy: policy, engineKey: key)
    }

    /// The relay's B side terminates `next` from now on (nothing when nil); a no-op when that
    /// is what it does already.
    func terminateCalleeSRTP(of call: Call, _ next: SRTPTermination?) {
        guard next != call.calleeSRTP else { return }
        call.calleeSRTP = next
        call.media?.terminateSRTP(next?.relayKeys, on: .b)
    }

    /// `sdp` from `side`'s phone as the rest of the core reads it: plain, after the relay
    /// follows any new key of a phone whose SRTP is terminated (or stops terminating when its
    /// media is plain from now on).
    func sdp(_ sdp: SessionDescription, from side: CallSide, of call: Call) -> SessionDescription {
        guard let current = side == .caller ? call.callerSRTP : call.calleeSRTP else { return sdp }
        let next = current.following(sdp)
        if next != current {
            if side == .caller { call.callerSRTP = next } else { call.calleeSRTP = next }
            call.media?.terminateSRTP(next?.relayKeys, on: side.mediaSide)
        }
        return sdp.withoutSDES()
    }

    /// `sdp` (anchored) as `side`'s phone is sent it: with that side's origin line, and the
    /// engine's key for a phone whose SRTP it terminates.
    func sdp(_ sdp: SessionDescription, stampedFor side: CallSide, of call: Call) -> SessionDescription {
        let stamped = side == .caller ? call.callerOrigin.stamp(sdp) : call.calleeOrigin.stamp(sdp)
        let termination = side == .caller ? call.callerSRTP : call.calleeSRTP
        return termination.map { $0.secured(stamped) } ?? stamped
    }
}
