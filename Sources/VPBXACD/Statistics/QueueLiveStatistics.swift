import Foundation

/// The wallboard's "now" for one queue: who is waiting and what the queue's agents are doing.
/// Agents in several queues are counted in each of them.
public struct QueueLiveStatistics: Sendable, Equatable, Codable {
    public var queue: String
    /// Callers waiting, including those whose offer is ringing.
    public var callsWaiting = 0
    /// How long the longest-waiting caller has waited so far (0 when nobody waits).
    public var longestCurrentWait: TimeInterval = 0
    public var agentsLoggedIn = 0
    /// Available agents, including those resting after a missed offer.
    public var agentsAvailable = 0
    /// Of the available agents, those resting after a missed or declined offer (not offered
    /// calls until the retry delay passes).
    public var agentsResting = 0
    public var agentsRinging = 0
    public var agentsOnCall = 0
    public var agentsInWrapUp = 0
    public var agentsPaused = 0
    public var agentsOnOtherCall = 0

    public init(queue: String) {
        self.queue = queue
    }
}
