import Foundation
import VPBXControl

extension ConsoleModel {
    /// Presence of an extension: busy beats ringing beats free; free needs a live
    /// registration or a static contact that the contact checks have not found unreachable;
    /// a disabled extension is offline when idle.
    public func presence(of info: ExtensionInfo, now: Date) -> Presence {
        var ringing = false
        for call in calls.values {
            switch involvement(of: info.number, in: call) {
            case .none: continue
            case .ringing: ringing = true
            case .busy: return .busy
            }
        }
        if ringing { return .ringing }
        guard info.enabled else { return .offline }
        if info.staticContact != nil && info.staticContactReachability != .unreachable { return .free }
        if liveRegistrations(of: info.number, now: now).contains(where: { !$0.unreachable }) { return .free }
        return .offline
    }

    /// Presence by number; nil when the extension is unknown.
    public func presence(of number: String, now: Date) -> Presence? {
        extensions[number].map { presence(of: $0, now: now) }
    }

    private enum Involvement { case none, ringing, busy }

    /// The caller is busy from the first moment (they placed the call); the callee rings
    /// until the call is answered. Legs cover parties that are neither caller nor callee.
    private func involvement(of number: String, in call: CallInfo) -> Involvement {
        let notYetAnswered = call.state == .dialing || call.state == .ringing
        if call.caller == number { return .busy }
        if call.callee == number { return notYetAnswered ? .ringing : .busy }
        guard let leg = call.legs?.first(where: { $0.party == number }) else { return .none }
        return leg.state == .dialing || leg.state == .ringing ? .ringing : .busy
    }
}
