import Foundation

/// The dial plan the engine pushes on every configuration change.
extension PBXCore {
    /// Replaces the dial plan; calls already routed are not affected.
    public func setDialPlan(_ plan: DialPlan) {
        dialPlan = plan
    }

    /// The dial plan and the extension numbers, for applications (a menu's direct dial).
    public func routingState() -> (DialPlan, Set<String>) {
        (dialPlan, Set(directory.byNumber.keys))
    }
}
