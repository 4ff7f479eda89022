import Foundation
import VPBXStore
import VPBXText

/// Why a call rings somewhere other than where it was sent, and for whom: the Diversion
/// header (RFC 5806) of the INVITEs that ring the new target, so a phone can show "for 201"
/// and a provider sees which of its customer's numbers forwarded the call.
struct Diversion: Sendable, Equatable {
    /// RFC 5806 §4's reasons, the ones the exchange has cause to send.
    enum Reason: String, Sendable {
        case unconditional
        case userBusy = "user-busy"
        case noAnswer = "no-answer"
        case unavailable
        /// A mobile extension ringing its user's mobile number.
        case followMe = "follow-me"
        /// A phone's 3xx says nothing of why it forwarded.
        case unknown
    }

    /// The extension the call was for.
    let extensionNumber: String
    let reason: Reason
}

/// Call forwarding set on an extension (`vpbx ext set 201 --forward-always 0630...`; FreePBX's
/// Call Forward All / Busy / No Answer): the engine sends the call on itself, so it works for
/// every kind of phone, for a phone that is switched off, and to a mobile through a trunk.
///
/// A target is dialled as the forwarding extension would dial it: an extension, a route
/// number (a queue, a menu), or a public number as far as its outbound class reaches. A
/// forward-always target that forwards always too is followed, up to
/// ``maximumForwardHops``; a chain back to an extension already in it stops there.
/// Busy and no-answer forwarding act before the extension's voicemail; queue offers to an
/// agent never follow the agent's forwarding (the queue rings its next agent instead).
extension PBXCore {
    static let maximumForwardHops = 5

    /// Where a call to extension `number` goes instead of ringing it: its forward-always
    /// target, or with no phone to ring (none registered, none reachable) its no-answer target
    /// at once. Nil when neither applies (the extension itself rings), and when the target is
    /// a public number the forwarding extension may not call (logged).
    /// `forwardedBy`: the extension whose setting sent the call where it goes (its outbound
    /// class decides how far it may go).
    func forwardedBeforeRinging(_ number: String, at now: Date)
        -> (routing: Routing, diversion: Diversion, forwardedBy: String)?
    {
        guard let forward = forwardedAlways(number, at: now) ?? forwardedUnavailable(number, at: now) else {
            return nil
        }
        if case .extension(let target) = forward.routing.target, directory[target] == nil,
            forwardRinging(forward.routing.target, from: forward.forwardedBy, at: now) == nil
        {
            logger.notice(
                "forwarding target cannot be called from the extension; it rings itself",
                metadata: ["extension": "\(forward.forwardedBy)", "to": "\(target)"])
            return nil
        }
        return forward
    }

    private func forwardedUnavailable(_ number: String, at now: Date)
        -> (routing: Routing, diversion: Diversion, forwardedBy: String)?
    {
        guard let record = directory[number], record.enabled, let target = record.forwardNoAnswer,
            ringTargets(of: record, now: now).isEmpty
        else { return nil }
        return (
            forwardRouting(of: target, from: number, condition: "unavailable", at: now),
            Diversion(extensionNumber: number, reason: .unavailable), number
        )
    }

    /// Where a call to extension `number` goes when it (and the extensions it forwards to)
    /// forward always: the routing to ring instead, its steps for the call's path, and the
    /// Diversion naming the first extension. Nil when `number` does not forward always.
    private func forwardedAlways(_ number: String, at now: Date)
        -> (routing: Routing, diversion: Diversion, forwardedBy: String)?
    {
        guard let first = directory[number], first.enabled, first.forwardAlways != nil else { return nil }
        let diversion = Diversion(extensionNumber: number, reason: .unconditional)
        var visited: Set<String> = [number]
        var current = first
        var path: [String] = []
        for _ in 0..<Self.maximumForwardHops {
            guard let target = current.forwardAlways else { break }
            let routing = forwardRouting(of: target, from: current.number, condition: "always", at: now)
            guard case .extension(let next) = routing.target, let record = directory[next], record.enabled,
                record.forwardAlways != nil
            else {
                return (Routing(target: routing.target, path: path + routing.path), diversion, current.number)
            }
            // Back to an extension of the chain: the last one before the loop rings.
            if visited.contains(next) { break }
            path += routing.path
            visited.insert(next)
            current = record
        }
        // A loop, or a chain longer than the hops allowed: it rings where it got to.
        return (Routing(target: .extension(current.number), path: path), diversion, current.number)
    }

    /// `target` dialled on behalf of `extensionNumber`, with a first step naming the forward
    /// (`forward:201=busy`) and, for a plain number, the number rung (`ext:202`, or
    /// `out:+36301234567` for a public number).
    private func forwardRouting(of target: String, from extensionNumber: String, condition: String, at now: Date)
        -> Routing
    {
        let routing = internalRouting(of: target, at: now)
        let step = "forward:\(extensionNumber)=\(condition)"
        let plain = directory[target] != nil ? "ext:\(target)" : "out:\(publicNumber(target)?.e164 ?? target)"
        let named = routing.path.isEmpty ? [plain] : routing.path
        return Routing(target: routing.target, path: [step] + named)
    }

    /// `routing` as a call handed on (by a menu, a transfer) follows it: an extension that
    /// forwards always (or has no phone and forwards on no answer) sends it to its target,
    /// out as far as (and through the trunks of) that extension; else as it was, out as `caller` may.
    func followingForwarding(_ routing: Routing, outboundFor caller: String?, at now: Date)
        -> (routing: Routing, outbound: OutboundPermission?, diversion: Diversion?)
    {
        guard case .extension(let number) = routing.target, let forward = forwardedBeforeRinging(number, at: now) else {
            return (routing, outboundPermission(of: caller), nil)
        }
        return (
            Routing(target: forward.routing.target, path: routing.path + forward.routing.path),
            outboundPermission(of: forward.forwardedBy), forward.diversion
        )
    }

    /// What ringing `target` on behalf of forwarding extension `from` rings: an extension's
    /// phones, an application, or a public number through a trunk as far as `from` may call.
    /// A public number rings for the forwarding extension's own ring time when its voicemail
    /// waits behind (ring the mobile, then my voicemail), else as long as the network lets it.
    func forwardRinging(_ target: Routing.Target, from extensionNumber: String, at now: Date)
        -> (callee: String, targets: [RingTarget], timeout: Int)?
    {
        guard var ring = ringing(target, now: now, outbound: outboundPermission(of: extensionNumber)) else {
            return nil
        }
        if ring.targets.contains(where: { $0.trunk != nil }), dialPlan.mailboxes.contains(extensionNumber),
            let record = directory[extensionNumber]
        {
            ring.timeout = min(ring.timeout, record.noAnswerTimeout)
        }
        return ring
    }

    /// An unanswered or busy call to an extension with busy or no-answer forwarding: its
    /// ringing stops and the target rings instead (before any voicemail). False when the
    /// callee has none, the call is a queue's offer, or the target cannot be rung (no phone,
    /// beyond the extension's outbound class, already rung by this call).
    func forwardOnFailure(_ id: UUID, busy: Bool, unavailable: Bool = false) -> Bool {
        guard let call = calls[id], call.answeredAt == nil || call.handingOn, !call.finalSentToCaller || call.handingOn,
            call.state != .ending, call.media != nil, !call.divertedToVoicemail,
            call.handOnOrigin?.offersQueueCall != true, call.forwards < Self.maximumForwardHops,
            let record = directory[call.callee], record.enabled,
            let target = busy ? record.forwardBusy : record.forwardNoAnswer
        else { return false }
        let now = Date()
        let condition = busy ? "busy" : unavailable ? "unavailable" : "no-answer"
        let routing = forwardRouting(of: target, from: record.number, condition: condition, at: now)
        if case .extension(let next) = routing.target,
            next == call.callee || call.legs.contains(where: { $0.extensionNumber == next })
        {
            logger.notice("forwarding loop not followed", metadata: ["call": "\(id)", "extension": "\(record.number)"])
            return false
        }
        guard let ring = forwardRinging(routing.target, from: record.number, at: now) else {
            logger.notice(
                "forwarding target cannot be rung",
                metadata: ["call": "\(id)", "extension": "\(record.number)", "to": "\(target)"])
            return false
        }
        for index in call.legs.indices where !call.legs[index].isDone && index != call.applicationLeg {
            cancelLeg(at: index, of: call)
        }
        emit(.callRouted(caller: call.caller, dialled: call.callee, path: routing.path))
        call.path += routing.path
        writes.enqueue(.cdrPath(id: id, path: call.path))
        call.forwards += 1
        if call.forwardedFrom == nil { call.forwardedFrom = record.number }
        call.bestFailure = nil
        call.callee = ring.callee
        startCalleePhase(of: call)
        let reason: Diversion.Reason = busy ? .userBusy : unavailable ? .unavailable : .noAnswer
        ringNewPhase(
            call, id: id, targets: ring.targets, timeout: ring.timeout,
            diversion: Diversion(extensionNumber: record.number, reason: reason))
        return true
    }
}
