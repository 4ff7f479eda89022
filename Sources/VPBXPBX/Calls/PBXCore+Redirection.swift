import Foundation
import VPBXSIP

/// A ringing phone's redirection (3xx: its own call forwarding, "forward all" or "forward on
/// no answer" set on the phone) is followed by the engine, as Asterisk's Dial does by default
/// (`redirect_method=user`): the user part of the first Contact that routes is dialled as the
/// call's number was, and rings beside the contacts still ringing. Passed back to the caller,
/// as before, a trunk or a gateway would drop the call, and a phone would dial the target
/// again from the start.
///
/// Only the Contact's user part is dialled: its host is never called, so a phone cannot send
/// a call past the dial plan (to another exchange, or a paid number through a gateway).
extension PBXCore {
    /// Redirections one call follows at most (phones forwarding in a chain).
    static let maximumRedirections = 5

    /// Rings what `response` (a 3xx from leg `index`) redirects the call to; false when it
    /// leads nowhere the call may go, and the 3xx then counts as the leg's failure.
    func followRedirection(_ response: SIPResponse, call: Call, leg index: Int) -> Bool {
        guard call.answeredLeg == nil, !call.handingOn, call.state != .ending, !call.finalSentToCaller,
            call.media != nil, call.legs[index].destination != Application.peer,
            call.redirections < Self.maximumRedirections,
            let redirected = try? response.headers.contacts().addresses
        else { return false }
        let now = Date()
        for contact in Self.byPreference(redirected) {
            guard let number = contact.uri.user, !number.isEmpty else { continue }
            let routing = dialPlan.resolve(number, at: now)
            // A chain back to a phone this call already rings (or rang) is a loop.
            if case .extension(let extensionNumber) = routing.target,
                extensionNumber == call.callee || call.legs.contains(where: { $0.extensionNumber == extensionNumber })
            {
                continue
            }
            // A phone forwarding to a mobile: out as far as its extension may call.
            let redirecting = call.legs[index].extensionNumber ?? call.callee
            guard let ring = ringing(routing.target, now: now, outbound: outboundPermission(of: redirecting)) else {
                continue
            }
            let steps = ["redirect:\(number)"] + routing.path
            logger.info(
                "following a phone's redirection",
                metadata: ["call": "\(call.id)", "status": "\(response.statusCode)", "to": "\(number)"])
            emit(.callRouted(caller: call.caller, dialled: call.callee, path: steps))
            call.path += steps
            writes.enqueue(.cdrPath(id: call.id, path: call.path))
            call.redirections += 1
            ringNewPhase(
                call, id: call.id, targets: ring.targets, timeout: ring.timeout,
                diversion: Diversion(extensionNumber: call.legs[index].extensionNumber ?? call.callee, reason: .unknown))
            return true
        }
        return false
    }

    /// Contacts by their `q` (RFC 3261 §8.1.3.4: highest first; none is 1.0), in their order
    /// where equal.
    static func byPreference(_ contacts: [NameAddress]) -> [NameAddress] {
        func preference(_ contact: NameAddress) -> Double {
            contact.parameters.value(named: "q").flatMap { $0 }.flatMap(Double.init) ?? 1
        }
        return contacts.enumerated().sorted { (preference($0.element), -$0.offset) > (preference($1.element), -$1.offset) }
            .map(\.element)
    }
}
