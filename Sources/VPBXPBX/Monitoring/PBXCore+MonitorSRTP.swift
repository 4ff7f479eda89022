import VPBXSDP
import VPBXSRTP

/// SRTP on a supervisor's leg, terminated by the relay like a call's sides
/// (PBXCore+SRTPTermination.swift): a supervisor's phone that offers SDES keys is answered
/// with the engine's, and one of an extension that speaks SRTP (`--srtp`) is offered the
/// engine's key when the engine makes the offer (rung from the console, or dialled without
/// an offer). The mix it hears is encrypted, its voice and keys decrypted, on the monitor's
/// own port.
extension PBXCore {
    /// The engine's offer to `leg`'s phone at `port`: the call's codec, with the engine's key
    /// (kept in the leg, to read the answer with) when the supervisor's extension speaks SRTP.
    func monitorOffer(for leg: inout MonitorLeg, port: Int) -> SessionDescription {
        let offer = monitorOffer(codec: leg.request.callCodec, port: port)
        guard let policy = directory[leg.supervisor]?.srtp, policy != .off else { return offer }
        let key = leg.offeredSRTPKey ?? SRTPKeyMaterial.random()
        leg.offeredSRTPKey = key
        return SRTPTermination.offer(offer, policy: policy, engineKey: key)
    }

    /// The supervisor phone's answer to the engine's offer: its SRTP is terminated when it
    /// answered the engine's key with its own.
    func readMonitorAnswer(_ answer: SessionDescription, of leg: inout MonitorLeg) {
        guard let key = leg.offeredSRTPKey else { return }
        terminateMonitorSRTP(SRTPTermination(sdp: answer, engineKey: key), of: &leg)
    }

    /// The relay terminates `next` on `leg`'s port from now on (nothing when nil); a no-op
    /// when that is what it does already.
    func terminateMonitorSRTP(_ next: SRTPTermination?, of leg: inout MonitorLeg) {
        guard next != leg.srtp else { return }
        leg.srtp = next
        leg.media?.terminateSRTP(next?.relayKeys)
    }
}
