import Foundation

/// A queue's settings with the routing memory and statistics the distributor keeps for it.
struct QueueRuntime: Sendable, Equatable {
    var settings: QueueSettings
    /// Round-robin memory: the agent offered the previous call.
    var lastOffered: String?
    /// Calls answered per agent in the statistics period (`fewestCalls`).
    var answeredBy: [String: Int] = [:]
    /// When each agent's last call from this queue ended (`leastRecent`).
    var lastCallEndedBy: [String: Date] = [:]
    var statistics: QueueStatistics

    init(settings: QueueSettings, statistics: QueueStatistics) {
        self.settings = settings
        self.statistics = statistics
    }
}

/// An offer out for a waiting caller.
struct Offer: Sendable, Equatable {
    var agents: [String]
    var until: Date
}

/// A caller waiting in a queue.
struct WaitingCaller: Sendable, Equatable {
    var id: String
    var queue: String
    var priority: Int
    var joinedAt: Date
    var offer: Offer?
}

/// An answered queue call, kept until the agent's wrap-up ends so its record is complete.
struct QueueCall: Sendable, Equatable {
    var caller: String
    var queue: String
    var agent: String
    var priority: Int
    var joinedAt: Date
    var answeredAt: Date
    var endedAt: Date?
    /// Since when the call is on hold, if it is; and the hold time of earlier holds.
    var heldSince: Date?
    var holdTime: TimeInterval = 0
}

/// A waiting caller as the engine and console see it.
public struct QueuedCaller: Sendable, Equatable, Codable {
    public var caller: String
    public var queue: String
    public var priority: Int
    public var joinedAt: Date
    /// Agents whose phones ring for this caller now (empty when waiting for one).
    public var offeredTo: [String]
}
