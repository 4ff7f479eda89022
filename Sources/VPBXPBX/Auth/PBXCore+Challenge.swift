import VPBXSIP
import VPBXSignaling

/// Digest challenges are sent statelessly (RFC 3261 §8.2.7): "The stateless UAS role is
/// needed primarily to handle unauthenticated requests for which a challenge response is
/// issued", because holding a transaction for each would let a flood of them build up
/// state. Every REGISTER a phone sends is challenged once, so a stateful 401 kept a
/// transaction and its response for 32 s (timer J) per registration, doubling what a
/// registration storm held; a scanner's flood kept as much again. The request's transaction
/// is dropped as the challenge goes: a retransmitted request is challenged anew (the same
/// To tag, a fresh nonce that is as good), an ACK of a 407 finds no transaction and is
/// dropped, and no provisional response was sent.
extension PBXCore {
    /// Answers `request` with `status` (401 or 407) carrying `challenges` in `header`
    /// (WWW-Authenticate or Proxy-Authenticate), and forgets its transaction.
    func challenge(
        _ request: SIPRequest, key: TransactionKey, status: Int, header: String, challenges: [DigestChallenge]
    ) {
        var response = SIPResponse(to: request, status: status, toTag: SIPIdentifiers.statelessTag(for: key))
        for challenge in challenges { response.headers.add(header, challenge.headerValue) }
        respondStatelessly(key, with: response)
    }
}
