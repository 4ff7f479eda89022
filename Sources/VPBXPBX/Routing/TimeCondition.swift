import Foundation
import VPBXSchedule

/// A branch on opening hours: one destination while the schedule is open, another while it is
/// closed (FreePBX's "time condition", Asterisk's GotoIfTime).
public struct TimeCondition: Sendable, Hashable {
    public let name: String
    /// The schedule's name, for the call's path.
    public let scheduleName: String
    public let hours: OpeningHours
    public let override: ScheduleOverride?
    public let whenOpen: Destination
    public let whenClosed: Destination

    public init(
        name: String, scheduleName: String, hours: OpeningHours, override: ScheduleOverride?, whenOpen: Destination,
        whenClosed: Destination
    ) {
        self.name = name
        self.scheduleName = scheduleName
        self.hours = hours
        self.override = override
        self.whenOpen = whenOpen
        self.whenClosed = whenClosed
    }
}
