import Foundation

/// What an agent is doing, as the distributor sees it. Only `available` agents are offered
/// queue calls (and not while resting after a missed offer, see `Agent.restingUntil`).
public enum AgentState: Sendable, Equatable, Hashable, Codable {
    case loggedOut
    /// Logged in and waiting for a queue call.
    case available
    /// A queue call is being offered to this agent's extension.
    case ringing(caller: String)
    /// Talking to a caller from a queue.
    case onCall(caller: String)
    /// After-call work until the instant given (or until the agent ends it early).
    case wrapUp(until: Date)
    /// Not taking queue calls, for the reason given (`lunch`, `no-answer`, ...).
    case paused(reason: String)
    /// On a call that did not come from a queue (own outgoing call, direct call to the
    /// extension): logged in but not offered queue calls until it ends.
    case otherCall

    /// A stable short name for events, JSON and the console.
    public var name: String {
        switch self {
        case .loggedOut: "logged-out"
        case .available: "available"
        case .ringing: "ringing"
        case .onCall: "on-call"
        case .wrapUp: "wrap-up"
        case .paused: "paused"
        case .otherCall: "other-call"
        }
    }
}
