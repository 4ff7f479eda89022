import VPBXNetwork
import VPBXSDP
import VPBXSRTP
import VPBXStore

/// One phone's SRTP, terminated by the engine (SDES, RFC 4568): the phone has the engine's
/// key for what it hears and the engine the phone's for what it sends; the relay decrypts
/// and encrypts that phone's side, and the other side gets plain RTP.
///
/// The caller's side is terminated whenever its offer has keys the engine can take
/// (``PBXCore/terminateCallerSRTPIfNeeded``); the callee's side when the engine offered its
/// phone SRTP (an extension's ``SRTPPolicy``) and it answered with a key. Keys the engine
/// cannot take (another suite, an MKI, DTLS) still pass on as they are.
struct SRTPTermination: Equatable {
    /// The phone's profile (`RTP/SAVP`, or `RTP/AVP` for best-effort SDES): SDP it is sent
    /// uses it.
    var profile: String
    /// The phone's key line the engine took: lines the engine sends it carry its tag and suite.
    var tag: Int
    var suite: SRTPSuite
    /// The phone's key, for what it sends.
    var phoneKey: SRTPKeyMaterial
    /// The engine's key for what it sends the phone, fresh for the call.
    let engineKey: SRTPKeyMaterial

    /// The first of the phone's key lines in `sdp` (its offer, or its answer to the engine's
    /// offer) the engine can take: a suite it has, one inline key without an MKI, no session
    /// parameters. Nil without one, or when keys come by DTLS.
    init?(sdp: SessionDescription, engineKey: SRTPKeyMaterial? = nil) {
        // Most calls carry no key line: they leave here without a look at the lines or a
        // random key drawn.
        guard let index = sdp.firstAudioIndex, sdp.media[index].hasAttribute("crypto"), !sdp.media[index].usesDTLS
        else { return nil }
        for crypto in sdp.media[index].sdesCryptos {
            guard let suite = SRTPSuite(sdpName: crypto.suite), let inline = crypto.simpleInlineKey,
                let key = SRTPKeyMaterial(base64: inline)
            else { continue }
            self.profile = sdp.media[index].proto
            self.tag = crypto.tag
            self.suite = suite
            self.phoneKey = key
            self.engineKey = engineKey ?? .random()
            return
        }
        return nil
    }

    var relayKeys: RelaySRTPKeys {
        RelaySRTPKeys(
            fromPhone: SRTPParameters(suite: suite, master: phoneKey),
            toPhone: SRTPParameters(suite: suite, master: engineKey))
    }

    /// `sdp` (plain) as the phone gets it: its profile and the engine's key line.
    func secured(_ sdp: SessionDescription) -> SessionDescription {
        sdp.securedWithSDES(
            profile: profile, crypto: SDESCrypto(tag: tag, suite: suite.rawValue, inlineKey: engineKey.base64))
    }

    /// The termination after the phone sent `sdp` (a re-offer, or its answer to one): its
    /// key and suite as it now says (the engine's key stays), or nil when it no longer offers
    /// one the engine can take (its media is plain from now on).
    func following(_ sdp: SessionDescription) -> SRTPTermination? {
        SRTPTermination(sdp: sdp, engineKey: engineKey)
    }

    /// The engine's offer of `sdp` (plain) to a phone whose extension wants SRTP: `RTP/SAVP`
    /// (mandatory) or `RTP/AVP` (optional) with one key line, `engineKey` under the 80-bit
    /// suite every SDES phone has.
    static func offer(_ sdp: SessionDescription, policy: SRTPPolicy, engineKey: SRTPKeyMaterial) -> SessionDescription {
        sdp.securedWithSDES(
            profile: policy == .mandatory ? "RTP/SAVP" : "RTP/AVP",
            crypto: SDESCrypto(tag: 1, suite: SRTPSuite.aesCM128HmacSHA1_80.rawValue, inlineKey: engineKey.base64))
    }
}
