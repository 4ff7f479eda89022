import Foundation

/// A supervisor's manual switch: force the schedule open or closed, until a moment or until
/// cleared. Snow day, staff meeting, a late evening campaign.
public struct ScheduleOverride: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable {
        case open
        case closed
    }

    public let mode: Mode
    /// When the override lapses by itself; nil: until someone clears it.
    public let until: Date?

    public init(mode: Mode, until: Date? = nil) {
        self.mode = mode
        self.until = until
    }

    public func isActive(at instant: Date) -> Bool { until.map { instant < $0 } ?? true }
}
