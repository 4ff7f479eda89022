import Foundation

/// How an application's hand-on ended. The application (a menu) plays ringback meanwhile and
/// waits for this, so that a destination that does not answer brings the caller back to it
/// instead of ending the call.
public enum HandOnResult: Sendable, Equatable {
    /// The new destination answered (`answeredBy`: the extension, when it was one); the
    /// application's leg gets its BYE.
    case connected(answeredBy: String?)
    /// Every contact refused (`busy` when the best failure was busy) or nobody answered in
    /// time, and the destination has no mailbox: the caller is back with the application,
    /// whose leg is the call's answered leg again.
    case failed(busy: Bool)
    /// The call ended meanwhile (the caller hung up).
    case callEnded
}

/// The application leg a call was handed on from, to go back to when the hand-on fails.
struct HandOnOrigin: Sendable {
    /// The application leg's Call-ID and our From tag in it.
    let callID: String
    let fromTag: String
    /// What the call's callee was while the application had it (`ivr-main`).
    let callee: String
    /// A queue's offer to its agents: an agent's own forwarding and voicemail do not take it.
    var offersQueueCall = false
}

extension PBXCore {
    /// Waits until the hand-on that the application with B leg `callID` asked for is settled.
    /// Returns at once if it already is.
    public func handOnResult(callID: String) async -> HandOnResult {
        if let settled = handOnResults.removeValue(forKey: callID) { return settled }
        return await withCheckedContinuation { waiter in handOnWaiters[callID] = waiter }
    }

    /// Tells whoever asked for the call's hand-on how it ended: the application that waits
    /// for it, or the phone whose transfer it is.
    func settleHandOn(of call: Call, origin: HandOnOrigin?, _ result: HandOnResult) {
        if call.transfer != nil {
            finishTransfer(call, result)
            return
        }
        guard let origin else { return }
        if let waiter = handOnWaiters.removeValue(forKey: origin.callID) {
            waiter.resume(returning: result)
        } else {
            handOnResults[origin.callID] = result
        }
    }

    /// The handed-on destination failed: the application's leg becomes the answered leg again
    /// and the application is told, so it can take the caller back (a menu plays "not
    /// available" and the menu again). Returns false when the call was not being handed on.
    func returnToApplication(_ id: UUID, busy: Bool) -> Bool {
        guard let call = calls[id], call.handingOn, let application = call.applicationLeg,
            let origin = call.handOnOrigin, call.legs[application].dialog != nil
        else { return false }
        for index in call.legs.indices where index != application && !call.legs[index].isDone {
            cancelLeg(at: index, of: call)
        }
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = nil
        call.path.append("\(call.path.last ?? call.callee)=\(busy ? "busy" : "failed")")
        writes.enqueue(.cdrPath(id: id, path: call.path))
        call.handingOn = false
        call.answeredLeg = application
        call.applicationLeg = nil
        call.handOnOrigin = nil
        call.callee = origin.callee
        call.calleeCallID = origin.callID
        call.calleeFromTag = origin.fromTag
        cancelNoAnswerTimer(of: call, id: id)
        settleHandOn(of: call, origin: origin, .failed(busy: busy))
        return true
    }
}
