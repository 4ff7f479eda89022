import VPBXSIP

/// Providers that challenge every request, BYE included (some do, to stop forged hang-ups):
/// an unanswered challenge leaves the provider's side of the call up (and billed) until its
/// own timers end it. A BYE to a trunk's address keeps its request, so that a 401 or 407
/// can be answered once with the trunk's credentials in a new BYE (RFC 3261 §22.2, §8.1.3.5:
/// the same dialog, CSeq one higher, a new branch).
extension PBXCore {
    /// Sends `bye` in a new client transaction: toward a trunk's provider one whose challenge
    /// is answered, anywhere else one whose answer nobody waits for. `trunk`: the trunk the
    /// dialog runs through, when the call knows it (several trunks may share an address);
    /// else the one at `destination`'s address.
    func sendBye(_ bye: SIPRequest, to destination: SIPPeerAddress, trunk name: String? = nil) {
        guard let trunk = name.flatMap(trunk(named:)) ?? trunk(sending: destination) else {
            startClient(bye, to: destination, purpose: .fireAndForget)
            return
        }
        startClient(bye, to: destination, purpose: .trunkBye(bye, to: destination, trunk: trunk.name))
    }

    /// A trunk's final response to a BYE: a challenge gets the BYE again with credentials,
    /// once (a challenge of the BYE that carried them means they are wrong: logged).
    func trunkByeResponse(_ response: SIPResponse, bye: SIPRequest, destination: SIPPeerAddress, trunk name: String) {
        guard response.statusCode == 401 || response.statusCode == 407 else { return }
        guard bye.headers["Authorization"] == nil, bye.headers["Proxy-Authorization"] == nil else {
            logger.warning(
                "a trunk refused its credentials on a BYE: the provider may keep the call up",
                metadata: ["trunk": "\(name)", "status": "\(response.statusCode)"])
            return
        }
        guard let trunk = trunk(named: name),
            let answer = Self.credentials(of: trunk, answering: response, method: .bye, uri: bye.uri),
            let cseq = try? bye.headers.cseq().number
        else {
            logger.warning(
                "a trunk challenged a BYE the engine cannot answer (no credentials for it): the provider may keep the call up",
                metadata: ["trunk": "\(name)", "status": "\(response.statusCode)"])
            return
        }
        var again = bye
        again.headers.replaceTopVia(newVia(for: destination))
        again.headers.remove("CSeq")
        again.headers.add(CSeq(cseq + 1, .bye))
        again.headers.add(answer.header.name, answer.header.value)
        startClient(again, to: destination, purpose: .trunkBye(again, to: destination, trunk: name))
    }
}
