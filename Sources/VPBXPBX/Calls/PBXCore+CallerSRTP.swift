import VPBXSDP

/// Where the caller's SRTP is terminated (``CallerSRTP``): every SDP the caller's phone sends
/// is read through ``sdpFromCaller(_:of:)`` (its keys followed, then seen plain by the rest of
/// the core), and every SDP it is sent goes through ``sdpForCaller(_:of:)``.
extension PBXCore {
    /// Starts terminating the caller's SRTP when its offer carries SDES keys the engine can
    /// take, and `call`'s first destinations are all the engine's own or trunks (no phone
    /// that could take the caller's key). Returns the offer the far side gets: plain when
    /// terminated, the caller's as it is otherwise.
    func terminateCallerSRTPIfNeeded(_ call: Call, destinations: [RingTarget], media: any MediaSession)
        -> SessionDescription
    {
        guard call.callerSRTP == nil, !destinations.isEmpty,
            destinations.allSatisfy({ $0.destination.host == Application.host || $0.trunk != nil }),
            let srtp = CallerSRTP(sdp: call.offer)
        else { return call.offer }
        call.callerSRTP = srtp
        // The caller's offer, as everything from here on reads it, is plain.
        call.offer = call.offer.withoutSDES()
        media.terminateSRTP(srtp.relayKeys, on: .a)
        logger.debug("caller's SRTP terminated", metadata: ["call": "\(call.id)", "suite": "\(srtp.suite.rawValue)"])
        return call.offer
    }

    /// `sdp` from the caller's phone as the rest of the core reads it: plain, after the
    /// relay follows any new key of the caller's (or stops terminating when its media is
    /// plain from now on).
    func sdpFromCaller(_ sdp: SessionDescription, of call: Call) -> SessionDescription {
        guard let current = call.callerSRTP else { return sdp }
        let next = current.following(sdp)
        if next != current {
            call.callerSRTP = next
            call.media?.terminateSRTP(next?.relayKeys, on: .a)
        }
        return sdp.withoutSDES()
    }

    /// `sdp` from `side`'s phone as the rest of the core reads it (``sdpFromCaller(_:of:)``
    /// for the caller's).
    func sdp(_ sdp: SessionDescription, from side: CallSide, of call: Call) -> SessionDescription {
        side == .caller ? sdpFromCaller(sdp, of: call) : sdp
    }

    /// `sdp` (anchored) as `side`'s phone is sent it: with that side's origin line, and the
    /// engine's key for a caller whose SRTP it terminates.
    func sdp(_ sdp: SessionDescription, stampedFor side: CallSide, of call: Call) -> SessionDescription {
        side == .caller ? sdpForCaller(call.callerOrigin.stamp(sdp), of: call) : call.calleeOrigin.stamp(sdp)
    }

    /// `sdp` (plain) as the caller's phone is sent it: with the engine's key while its SRTP
    /// is terminated.
    func sdpForCaller(_ sdp: SessionDescription, of call: Call) -> SessionDescription {
        call.callerSRTP.map { $0.secured(sdp) } ?? sdp
    }
}
