import GRDB

/// Whether an extension's phones speak SRTP with SDES keys: FreeSWITCH's
/// `rtp_secure_media`, Asterisk's `media_encryption=sdes`. Calls to them are offered the
/// engine's own key: the engine terminates SRTP on every encrypted phone's leg, so the
/// other party may be anything (a trunk, an application, a plain phone, another SRTP phone).
public enum SRTPPolicy: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Plain RTP (the phones get no key offered; one that offers keys itself is still
    /// answered with the engine's).
    case off
    /// `RTP/AVP` with `a=crypto` (best effort): a phone without SRTP ignores the key and
    /// answers plain.
    case optional
    /// `RTP/SAVP` with `a=crypto`: for phones set to "SRTP: mandatory", which refuse plain
    /// offers; a phone without SRTP refuses the call (488).
    case mandatory
}
