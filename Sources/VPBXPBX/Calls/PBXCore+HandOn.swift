import Foundation
import VPBXSIP
import VPBXSignaling
import VPBXStore
import VPBXText

/// An application (a menu) hands its answered caller on to another destination: the core
/// replaces the call's B leg. The caller's leg, its SDP and the relay's A side stay as they
/// are; the application's leg gets a BYE and the new destination is rung with the relay's
/// B side in the offer (docs/applications.md).
extension PBXCore {
    /// Sends the caller of the call whose current B legs use `callID` to `destination`.
    /// Returns false when that cannot be done (no such call, nothing to ring); the application
    /// then hangs up itself.
    public func handOn(callID: String, to destination: Destination, step: String) -> Bool {
        guard let id = handOnCall(callID) else { return false }
        let now = Date()
        // A menu's caller reaches no public number but through an extension's forwarding.
        let (routing, outbound, diversion) = followingForwarding(
            dialPlan.follow(destination, path: [step], at: now), outboundFor: nil, at: now)
        guard let ring = ringing(routing.target, now: now, outbound: outbound) else { return false }
        beginHandOn(
            id, callee: ring.callee, targets: ring.targets, timeout: ring.timeout, path: routing.path,
            diversion: diversion)
        return true
    }

    /// What a call handed to `target` rings: an enabled extension's contacts and its mobile
    /// (with its no-answer timeout), one of the engine's applications, or a public number
    /// through a trunk when `outbound` allows it that far (a transfer or forward to a mobile;
    /// its extension's outbound route chooses the trunk). Nil when there is nothing to ring
    /// (an unknown or disabled extension, one without a phone, a hang-up, a number beyond
    /// the reach).
    func ringing(_ target: Routing.Target, now: Date, outbound: OutboundPermission?)
        -> (callee: String, targets: [RingTarget], timeout: Int)?
    {
        switch target {
        case .extension(let number):
            guard let record = directory[number] else {
                guard let outbound, let outside = publicNumber(number), outside.reach <= outbound.reach,
                    let out = trunkTarget(for: outside, caller: outbound.extensionNumber, at: now)
                else { return nil }
                return (outside.e164, [out], Self.outboundNoAnswerTimeout)
            }
            guard record.enabled else { return nil }
            let found = ringTargets(of: record, now: now)
            return found.isEmpty ? nil : (number, found, record.noAnswerTimeout)
        case .application(let application):
            return (
                application.user, [RingTarget(contact: application.contact, destination: Application.peer)],
                ExtensionRecord.defaultNoAnswerTimeout
            )
        case .hangup, .unroutable, .monitor, .pickup, .parkPickup:
            return nil
        }
    }

    /// Rings several extensions at once for the caller (a ring-all queue offer): the first to
    /// answer wins, and ``handOnResult(callID:)`` says which (`connected(answeredBy:)`).
    /// Extensions that are unknown, disabled or have no phone are skipped; false when none is
    /// left. `timeoutSeconds` bounds the ringing (the queue's own timer normally cancels
    /// first, with ``cancelHandOn(callID:)``).
    public func handOn(callID: String, toExtensions numbers: [String], step: String, timeoutSeconds: Int) -> Bool {
        guard let id = handOnCall(callID) else { return false }
        let now = Date()
        var targets: [RingTarget] = []
        for number in numbers {
            // An agent in do not disturb is skipped as one without a phone is.
            guard let record = directory[number], record.enabled, !record.doNotDisturb else { continue }
            targets += contacts(of: record, now: now).map {
                RingTarget(contact: $0.0, destination: $0.1, extensionNumber: number)
            }
        }
        guard !targets.isEmpty else { return false }
        let callee = numbers.count == 1 ? numbers[0] : numbers.joined(separator: ",")
        beginHandOn(
            id, callee: callee, targets: targets, timeout: max(1, timeoutSeconds),
            path: [step] + numbers.map { "ext:\($0)" }, offersQueueCall: true)
        return true
    }

    /// Stops ringing what the application with B leg `callID` handed its caller on to: the
    /// caller is the application's again and the hand-on settles as failed (not busy).
    /// False when nothing is being handed on.
    @discardableResult
    public func cancelHandOn(callID: String) -> Bool {
        guard let id = calls.first(where: { $0.value.handOnOrigin?.callID == callID })?.key else { return false }
        return returnToApplication(id, busy: false)
    }

    /// Directed pickup: a call that is still ringing stops ringing where it rings and rings
    /// `extensionNumber` instead (the receptionist's or a colleague's phone); when that phone
    /// answers, the caller is connected to it. False when the call is not ringing (answered,
    /// ending, unknown) or the extension has no phone.
    public func pickUpRinging(callID id: UUID, to extensionNumber: String) -> Bool {
        guard let call = calls[id], call.answeredAt == nil, !call.finalSentToCaller, call.media != nil,
            call.state == .ringing || call.state == .routing,
            let record = directory[extensionNumber], record.enabled
        else { return false }
        let targets = contacts(of: record, now: Date()).map {
            RingTarget(contact: $0.0, destination: $0.1, extensionNumber: extensionNumber)
        }
        guard !targets.isEmpty else { return false }
        for index in call.legs.indices where !call.legs[index].isDone {
            cancelLeg(at: index, of: call)
        }
        let step = "pickup:\(extensionNumber)"
        emit(.callRouted(caller: call.caller, dialled: call.callee, path: [step]))
        call.path.append(step)
        writes.enqueue(.cdrPath(id: id, path: call.path))
        call.callee = extensionNumber
        startCalleePhase(of: call)
        ringNewPhase(call, id: id, targets: targets, timeout: record.noAnswerTimeout)
        return true
    }

    /// Stops ringing some of the extensions a hand-on rings (one agent of a ring-all offer
    /// paused or logged out); the others ring on. False when nothing is being handed on.
    @discardableResult
    public func cancelHandOn(callID: String, extensions: Set<String>) -> Bool {
        guard let id = calls.first(where: { $0.value.handOnOrigin?.callID == callID })?.key, let call = calls[id]
        else { return false }
        for index in call.legs.indices
        where index != call.applicationLeg && !call.legs[index].isDone
            && call.legs[index].extensionNumber.map(extensions.contains) == true
        {
            cancelLeg(at: index, of: call)
        }
        return true
    }

    /// The answered call whose application leg uses `callID`, if it can be handed on.
    /// An application ends its caller's call at `step` (`conf:board=pin-refused`,
    /// `agent-login=refused`): the step goes into the call's path, so its record says why,
    /// before the application's BYE ends it.
    public func noteApplicationEnd(callID: String, step: String) {
        // A prompt played to its end (`play:closed`) is in the path already.
        guard let (id, call) = calls.first(where: { $0.value.calleeCallID == callID }), call.path.last != step else {
            return
        }
        call.path.append(step)
        writes.enqueue(.cdrPath(id: id, path: call.path))
    }

    private func handOnCall(_ callID: String) -> UUID? {
        guard let id = calls.first(where: { $0.value.calleeCallID == callID })?.key, let call = calls[id],
            call.answeredLeg != nil, call.media != nil, call.state == .answered, !call.handingOn
        else { return nil }
        return id
    }

    func beginHandOn(
        _ id: UUID, callee: String, targets: [RingTarget], timeout: Int, path: [String], offersQueueCall: Bool = false,
        diversion: Diversion? = nil
    ) {
        guard let call = calls[id], let answered = call.answeredLeg else { return }
        emit(.callRouted(caller: call.caller, dialled: call.callee, path: path))
        call.path += path
        writes.enqueue(.cdrPath(id: id, path: call.path))

        // The application's leg stays up (it plays ringback or music) until the new leg
        // answers; the new destination rings under a new Call-ID (a fresh fork group, so its
        // dialogs never mix with the old one). Requests from the application still find the
        // call by its dialog.
        call.applicationLeg = answered
        call.handOnOrigin = HandOnOrigin(
            callID: call.calleeCallID, fromTag: call.calleeFromTag, callee: call.callee,
            offersQueueCall: offersQueueCall)
        call.answeredLeg = nil
        call.handingOn = true
        call.callee = callee
        startCalleePhase(of: call)

        ringNewPhase(call, id: id, targets: targets, timeout: timeout, diversion: diversion)
    }

    /// Rings `targets` as the call's new B legs, with the relay's B side in the offer
    /// (`diversion`: why they ring, see ``Diversion``).
    func ringNewPhase(
        _ call: Call, id: UUID, targets: [RingTarget], timeout: Int, diversion: Diversion? = nil
    ) {
        guard let media = call.media else { return }
        let maxForwards = (call.invite.headers.maxForwards ?? 70) - 1
        _ = terminateCallerSRTPIfNeeded(call, destinations: targets, media: media)
        let offer = offerForCallees(call.offerForNewLegs, of: call, media: media)
        let sdp = call.calleeOrigin.stamp(offer.anchored(at: configuration.mediaAddress, audioPort: media.bPort))
        let body = Array(sdp.serialized().utf8)
        for target in targets {
            call.legs.append(ring(target, for: call, maxForwards: maxForwards, body: body, diversion: diversion))
        }
        noteDialogChange()
        cancelNoAnswerTimer(of: call, id: id)  // an earlier phase's, if it is still waiting
        armNoAnswerTimer(of: call, id: id, after: .seconds(timeout))
    }

    /// An unanswered or busy extension with a mailbox: the caller goes to its voicemail instead
    /// of hearing the failure, also when a menu handed the caller on to it. A forward's target
    /// without a mailbox of its own (a mobile, a colleague without voicemail) that does not
    /// answer leaves the call to the forwarding extension's voicemail. Returns false when
    /// there is no mailbox to go to (or the call was answered, or already diverted).
    func divertToVoicemail(_ id: UUID, busy: Bool) -> Bool {
        guard let call = calls[id], (call.answeredAt == nil && !call.finalSentToCaller) || call.handingOn,
            call.state != .ending,
            !call.divertedToVoicemail, call.handOnOrigin?.offersQueueCall != true, call.media != nil
        else { return false }
        let mailbox: String
        if dialPlan.mailboxes.contains(call.callee) {
            mailbox = call.callee
        } else if let forwarding = call.forwardedFrom, dialPlan.mailboxes.contains(forwarding) {
            mailbox = forwarding
        } else {
            return false
        }
        for index in call.legs.indices where !call.legs[index].isDone {
            cancelLeg(at: index, of: call)
        }
        let voicemail = Application.voicemail(mailbox: mailbox, busy: busy)
        let step = "vm:\(mailbox)=\(busy ? "busy" : "unavailable")"
        emit(.callRouted(caller: call.caller, dialled: call.callee, path: [step]))
        call.divertedToVoicemail = true
        call.path.append(step)
        writes.enqueue(.cdrPath(id: id, path: call.path))
        call.callee = voicemail.user
        startCalleePhase(of: call)
        ringNewPhase(
            call, id: id, targets: [RingTarget(contact: voicemail.contact, destination: Application.peer)], timeout: 30)
        return true
    }

    /// The call's next B legs ring under a new Call-ID and From tag (a fresh fork group, so
    /// their dialogs never mix with the earlier ones'). The earlier phase's dialogs still find
    /// the call (an application's leg handing its caller on is up until the new leg answers)
    /// and are forgotten with it.
    func startCalleePhase(of call: Call) {
        call.earlierCalleeDialogs.append(DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag))
        call.calleeCallID = SIPIdentifiers.callID(host: configuration.advertisedHost)
        call.calleeFromTag = SIPIdentifiers.tag()
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = call.id
    }
}
