import Foundation
import VPBXControl

/// One queue's wallboard figures at an instant, with the level each one is at.
public struct WallboardFigures: Sendable, Hashable {
    public var queue: String
    /// False when `--queues` named a queue the engine does not have.
    public var exists: Bool
    public var waiting = 0
    public var longestWait = 0
    /// Percent answered within the threshold today; nil before any call counted.
    public var serviceLevel: Double?
    public var answered = 0
    public var abandoned = 0
    public var available = 0
    public var onCall = 0
    public var paused = 0

    public var waitingLevel = WallboardThresholds.Level.normal
    public var waitLevel = WallboardThresholds.Level.normal
    public var serviceLevelLevel = WallboardThresholds.Level.normal

    /// The queues to show: those of `options` in their order, else every queue by name.
    public static func all(model: ConsoleModel, options: WallboardOptions, now: Date) -> [WallboardFigures] {
        let names = options.queues ?? model.sortedQueues.map(\.queue)
        return names.map { name in
            guard let stats = model.queues[name] else { return WallboardFigures(queue: name, exists: false) }
            return WallboardFigures(stats, model: model, thresholds: options.thresholds, now: now)
        }
    }

    init(queue: String, exists: Bool) {
        self.queue = queue
        self.exists = exists
    }

    init(_ stats: QueueStatsInfo, model: ConsoleModel, thresholds: WallboardThresholds, now: Date) {
        queue = stats.queue
        exists = true
        waiting = stats.callsWaiting
        longestWait = model.longestWait(in: stats, now: now)
        serviceLevel = stats.today.serviceLevelPercent
        answered = stats.today.answered
        abandoned = stats.today.abandoned
        available = stats.agentsAvailable
        onCall = stats.agentsOnCall + stats.agentsRinging
        paused = stats.agentsPaused
        waitingLevel = thresholds.level(waiting: waiting)
        waitLevel = thresholds.level(wait: longestWait)
        serviceLevelLevel = thresholds.level(serviceLevel: serviceLevel)
    }

    /// `mm:ss` (minutes keep counting past 59, so the figure never changes width oddly).
    public var longestWaitText: String { String(format: "%02d:%02d", longestWait / 60, longestWait % 60) }

    /// `85%`, or `-` when no call counted yet today.
    public var serviceLevelText: String {
        serviceLevel.map { "\(Int($0.rounded(.down)))%" } ?? "-"
    }
}
