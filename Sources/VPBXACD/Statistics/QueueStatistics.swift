import Foundation

/// A queue's accumulated figures: since the last reset (the engine resets at local midnight,
/// see `LocalMidnight`) and over the rolling window. Fed one event at a time by the distributor.
struct QueueStatistics: Sendable, Equatable {
    var since: Date
    var total = QueueTotals()
    var window: RollingTotals

    init(since: Date, window: RollingTotals) {
        self.since = since
        self.window = window
    }

    mutating func apply(_ event: QueueEvent, at date: Date, serviceLevelSeconds: Int) {
        total.apply(event, serviceLevelSeconds: serviceLevelSeconds)
        window.apply(event, at: date, serviceLevelSeconds: serviceLevelSeconds)
    }

    /// Starts a new period at `date`; the rolling window is not a period and keeps its slots.
    mutating func reset(at date: Date) {
        since = date
        total = QueueTotals()
    }
}
