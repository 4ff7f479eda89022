import VPBXNetwork
import VPBXSDP
import VPBXSRTP

/// The caller's SRTP, terminated by the engine (SDES, RFC 4568): where the call's far side is
/// the engine itself (voicemail, a menu, a queue, a conference) or a trunk, neither of which
/// has the caller's key, the engine answers the caller's `a=crypto` line with a key of its
/// own and the relay decrypts and encrypts the caller's side. The far side gets plain RTP.
///
/// Calls between two phones keep passing SRTP end to end, keys and all (stop 52): the
/// engine terminates only what would otherwise fail.
struct CallerSRTP: Equatable {
    /// The caller's profile (`RTP/SAVP`, or `RTP/AVP` for best-effort SDES): its answers use it.
    var profile: String
    /// The caller's line the engine took: the answer's line carries its tag and suite.
    var tag: Int
    var suite: SRTPSuite
    /// The caller's key, for what it sends.
    var phoneKey: SRTPKeyMaterial
    /// The engine's key for what it sends the caller, fresh for the call.
    let engineKey: SRTPKeyMaterial

    /// The first of the caller's key lines in `sdp` the engine can take: a suite it has, one
    /// inline key without an MKI, no session parameters. Nil without one, or when keys come
    /// by DTLS.
    init?(sdp: SessionDescription, engineKey: SRTPKeyMaterial = .random()) {
        guard let index = sdp.firstAudioIndex, !sdp.media[index].usesDTLS else { return nil }
        let section = sdp.media[index]
        for crypto in section.sdesCryptos {
            guard let suite = SRTPSuite(sdpName: crypto.suite), let inline = crypto.simpleInlineKey,
                let key = SRTPKeyMaterial(base64: inline)
            else { continue }
            self.profile = section.proto
            self.tag = crypto.tag
            self.suite = suite
            self.phoneKey = key
            self.engineKey = engineKey
            return
        }
        return nil
    }

    var relayKeys: RelaySRTPKeys {
        RelaySRTPKeys(
            fromPhone: SRTPParameters(suite: suite, master: phoneKey),
            toPhone: SRTPParameters(suite: suite, master: engineKey))
    }

    /// `sdp` (plain) as the caller's phone gets it: its profile and the engine's key line.
    func secured(_ sdp: SessionDescription) -> SessionDescription {
        sdp.securedWithSDES(
            profile: profile, crypto: SDESCrypto(tag: tag, suite: suite.rawValue, inlineKey: engineKey.base64))
    }

    /// The termination after the caller sent `sdp` (a re-offer, or its answer to one): its
    /// key and suite as it now says (the engine's key stays), or nil when it no longer offers
    /// one the engine can take (its media is plain from now on).
    func following(_ sdp: SessionDescription) -> CallerSRTP? {
        guard let renewed = CallerSRTP(sdp: sdp, engineKey: engineKey) else { return nil }
        return renewed
    }
}
