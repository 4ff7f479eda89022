import Foundation
import VPBXText

/// The dial plan the engine pushes on every configuration change.
extension PBXCore {
    /// Replaces the dial plan; calls already routed are not affected.
    public func setDialPlan(_ plan: DialPlan) {
        let previousTrunks = dialPlan.trunks
        dialPlan = plan
        resolveTrunkHosts()
        syncTrunkRegistrations()
        syncTrunkChecks(previous: previousTrunks)
    }

    /// Adds or removes one extension's voicemail box in the dial plan: what an extension's
    /// change can change in it. Reading every box again for that made creating thousands of
    /// extensions with voicemail quadratic (35 ms an extension at 10,000 boxes).
    public func setMailbox(_ number: String, enabled: Bool) {
        if enabled {
            dialPlan.mailboxes.insert(number)
        } else {
            dialPlan.mailboxes.remove(number)
        }
    }

    /// How phones may dial public numbers now, for what reads a number as a phone would
    /// (a forwarding target set from a phone).
    public func localDialling() -> LocalDialling { dialPlan.localDialling }

    /// The dial plan and the extension numbers, for applications (a menu's direct dial).
    public func routingState() -> (DialPlan, Set<String>) {
        (dialPlan, Set(directory.byNumber.keys))
    }
}
