import GRDB

/// Whether an extension's phones speak SRTP with SDES keys: FreeSWITCH's
/// `rtp_secure_media`, Asterisk's `media_encryption=sdes`. Calls to them are offered the
/// engine's own key when the audio reaching them would otherwise be plain (a call from a
/// trunk, an application, a plain phone), and an SRTP caller's keys pass to them end to end
/// (to `mandatory` phones; to `optional` ones for a best-effort offer).
public enum SRTPPolicy: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Plain RTP: an SRTP caller's SRTP is terminated by the engine.
    case off
    /// `RTP/AVP` with `a=crypto` (best effort): a phone without SRTP ignores the key and
    /// answers plain.
    case optional
    /// `RTP/SAVP` with `a=crypto`: for phones set to "SRTP: mandatory", which refuse plain
    /// offers; a phone without SRTP refuses the call (488).
    case mandatory
}
