import Foundation

/// Time and count spent in one pause reason.
public struct PauseTally: Sendable, Equatable, Codable {
    public var count = 0
    public var duration: TimeInterval = 0

    public init(count: Int = 0, duration: TimeInterval = 0) {
        self.count = count
        self.duration = duration
    }
}

/// An agent's counters since the last statistics reset, kept by the distributor.
struct AgentTallies: Sendable, Equatable {
    var callsHandled = 0
    var talkTime: TimeInterval = 0
    /// The part of `talkTime` the calls spent on hold.
    var holdTime: TimeInterval = 0
    var wrapUpTime: TimeInterval = 0
    var missedOffers = 0
    /// Pauses that ended in the period, by reason.
    var pauses: [String: PauseTally] = [:]
}

/// What the console shows for one agent: state, time in state and the day's counters.
public struct AgentStatistics: Sendable, Equatable, Codable {
    public var agent: String
    public var name: String
    public var state: AgentState
    /// Seconds since `state` was entered.
    public var timeInState: TimeInterval
    /// Queue calls answered in the period.
    public var callsHandled: Int
    /// Talk time of queue calls that ended in the period, hold included.
    public var talkTime: TimeInterval
    /// Of `talkTime`, the time those calls were on hold.
    public var holdTime: TimeInterval
    /// Wrap-up time that ended in the period.
    public var wrapUpTime: TimeInterval
    /// Offers that rang out or were declined.
    public var missedOffers: Int
    /// Finished pauses by reason; the current pause is in `state` and `timeInState`.
    public var pauses: [String: PauseTally]
    /// Start of the period (the last reset).
    public var since: Date
}
