import Foundation
import VPBXSIP

/// A call that rings for longer than a minute keeps telling the caller so.
///
/// RFC 3261 §13.3.1.1: a UAS that takes long to answer sends a non-100 provisional response
/// every minute, because a proxy may cancel an INVITE transaction after three minutes without
/// one (Kamailio in front of the engine cancels after two by default). The callee's phone
/// sends its 180 once; an extension's no-answer timeout may be up to ten minutes. So a
/// ringing phase longer than ``PBXConfiguration/provisionalRefreshInterval`` has its
/// no-answer timer wait in steps of that interval, and each step repeats the last provisional
/// response the caller got. A shorter phase (the default 30 s) costs nothing more.
extension PBXCore {
    /// Arms the current ringing phase's no-answer timer, in steps when the phase is long.
    func armNoAnswerTimer(of call: Call, id: UUID, after timeout: Duration) {
        let step = configuration.provisionalRefreshInterval
        guard timeout > step else {
            call.ringingEndsAt = nil
            call.noAnswerAt = schedule(.noAnswer(id), after: timeout)
            return
        }
        call.ringingEndsAt = ContinuousClock.now + timeout
        call.noAnswerAt = schedule(.noAnswer(id), after: step)
    }

    /// A step of a long phase's no-answer timer: the caller hears the last provisional again,
    /// and the timer waits for the next step or the phase's end.
    func ringingGoesOn(_ call: Call, id: UUID, until ends: ContinuousClock.Instant) {
        if !call.finalSentToCaller, call.state == .ringing, let provisional = call.lastProvisional {
            respond(call.inviteKey, with: provisional)
        }
        let step = configuration.provisionalRefreshInterval
        let left = ends - ContinuousClock.now
        call.noAnswerAt = schedule(.noAnswer(id), after: left > step ? step : left)
    }
}
