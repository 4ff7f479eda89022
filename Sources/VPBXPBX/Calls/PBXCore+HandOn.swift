import Foundation
import VPBXSIP
import VPBXSignaling

/// An application (a menu) hands its answered caller on to another destination: the core
/// replaces the call's B leg. The caller's leg, its SDP and the relay's A side stay as they
/// are; the application's leg gets a BYE and the new destination is rung with the relay's
/// B side in the offer (docs/applications.md).
extension PBXCore {
    /// Sends the caller of the call whose current B legs use `callID` to `destination`.
    /// Returns false when that cannot be done (no such call, nothing to ring); the application
    /// then hangs up itself.
    public func handOn(callID: String, to destination: Destination, step: String) -> Bool {
        guard let id = calls.first(where: { $0.value.calleeCallID == callID })?.key, var call = calls[id],
            let answered = call.answeredLeg, call.media != nil, call.state == .answered
        else { return false }
        let now = Date()
        let routing = dialPlan.follow(destination, path: [step], at: now)
        let callee: String
        let targets: [(SIPURI, SIPPeerAddress)]
        let timeout: Int
        switch routing.target {
        case .extension(let number):
            guard let record = directory[number], record.enabled else { return false }
            let found = contacts(of: record, now: now)
            guard !found.isEmpty else { return false }
            (callee, targets, timeout) = (number, found, record.noAnswerTimeout)
        case .application(let application):
            (callee, targets, timeout) = (application.user, [(application.contact, Application.peer)], 30)
        case .hangup, .unroutable:
            return false
        }
        emit(.callRouted(caller: call.caller, dialled: call.callee, path: routing.path))
        call.path += routing.path
        writes.enqueue(.cdrPath(id: id, path: call.path))

        // The application's leg stays up (it plays ringback) until the new leg answers; the new
        // destination rings under a new Call-ID (a fresh fork group, so its dialogs never mix
        // with the old one). Requests from the application still find the call by its dialog.
        call.applicationLeg = answered
        call.handOnOrigin = HandOnOrigin(callID: call.calleeCallID, fromTag: call.calleeFromTag, callee: call.callee)
        call.answeredLeg = nil
        call.handingOn = true
        call.callee = callee
        call.calleeCallID = SIPIdentifiers.callID(host: configuration.advertisedHost)
        call.calleeFromTag = SIPIdentifiers.tag()
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = id

        ringNewPhase(&call, id: id, targets: targets, timeout: timeout)
        return true
    }

    /// Rings `targets` as the call's new B legs, with the relay's B side in the offer.
    func ringNewPhase(_ call: inout Call, id: UUID, targets: [(SIPURI, SIPPeerAddress)], timeout: Int) {
        guard let media = call.media else { return }
        let maxForwards = (call.invite.headers.maxForwards ?? 70) - 1
        let sdp = call.calleeOrigin.stamp(call.offer.anchored(at: configuration.mediaAddress, audioPort: media.bPort))
        let body = Array(sdp.serialized().utf8)
        for (contact, target) in targets {
            let invite = calleeInvite(
                for: call, contact: contact, destination: target, maxForwards: maxForwards, body: body)
            let key = startClient(invite, to: target, purpose: .calleeInvite(call: id, leg: call.legs.count))
            call.legs.append(CalleeLeg(contact: contact, destination: target, invite: invite, transactionKey: key))
        }
        call.noAnswerAt = ContinuousClock.now + .seconds(timeout)
        calls[id] = call
        schedule(.noAnswer(id), after: .seconds(timeout))
    }

    /// An unanswered or busy extension with a mailbox: the caller goes to its voicemail instead
    /// of hearing the failure, also when a menu handed the caller on to it. Returns false when
    /// the callee has no mailbox (or the call was answered, or already diverted).
    func divertToVoicemail(_ id: UUID, busy: Bool) -> Bool {
        guard var call = calls[id], (call.answeredAt == nil && !call.finalSentToCaller) || call.handingOn,
            call.state != .ending,
            !call.divertedToVoicemail, dialPlan.mailboxes.contains(call.callee), call.media != nil
        else { return false }
        for index in call.legs.indices where !call.legs[index].isDone {
            call.legs[index] = cancelLeg(call.legs[index])
        }
        let voicemail = Application.voicemail(mailbox: call.callee, busy: busy)
        emit(
            .callRouted(
                caller: call.caller, dialled: call.callee, path: ["vm:\(call.callee)=\(busy ? "busy" : "unavailable")"])
        )
        call.divertedToVoicemail = true
        call.path.append("vm:\(call.callee)=\(busy ? "busy" : "unavailable")")
        writes.enqueue(.cdrPath(id: id, path: call.path))
        call.callee = voicemail.user
        call.calleeCallID = SIPIdentifiers.callID(host: configuration.advertisedHost)
        call.calleeFromTag = SIPIdentifiers.tag()
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = id
        ringNewPhase(&call, id: id, targets: [(voicemail.contact, Application.peer)], timeout: 30)
        return true
    }
}
