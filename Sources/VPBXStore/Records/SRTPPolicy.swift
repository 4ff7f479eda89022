import GRDB

/// Whether calls to an extension's phones are offered SRTP with the engine's own key (SDES),
/// when the audio reaching them would otherwise be plain (a call from a trunk, an
/// application, a plain phone): FreeSWITCH's `rtp_secure_media`, Asterisk's
/// `media_encryption=sdes`.
public enum SRTPPolicy: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Plain RTP offered (SRTP from an SRTP caller still passes through).
    case off
    /// `RTP/AVP` with `a=crypto` (best effort): a phone without SRTP ignores the key and
    /// answers plain.
    case optional
    /// `RTP/SAVP` with `a=crypto`: for phones set to "SRTP: mandatory", which refuse plain
    /// offers; a phone without SRTP refuses the call (488).
    case mandatory
}
