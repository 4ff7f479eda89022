import Foundation

/// The evaluator's answer for one moment: open or closed, why, and when that will change.
public struct ScheduleDecision: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// The weekly hours (of the weekday named in the rule: a swapped Saturday works as Friday).
        case weekly(Weekday, swap: WorkdaySwap?)
        case holiday(Holiday)
        case exception(DayException)
        case override(ScheduleOverride)
    }

    public let isOpen: Bool
    public let reason: Reason
    /// The next moment the answer flips, looking up to two weeks ahead; nil when it does not
    /// flip in that time (always closed, or an override without an end).
    public let nextChange: Date?

    public init(isOpen: Bool, reason: Reason, nextChange: Date?) {
        self.isOpen = isOpen
        self.reason = reason
        self.nextChange = nextChange
    }
}
