import VPBXControl

/// Everything a key can ask the console to do. Keys map to actions through the
/// `KeyTable`; screens only ever see actions, so bindings can change without touching them.
public enum ConsoleAction: String, Sendable, Hashable, CaseIterable {
    case quit
    case help
    case nextPanel
    case previousPanel
    case up
    case down
    case pageUp
    case pageDown
    case hangUp
    case refresh
    case confirm
    case cancel
    case redraw
    case showOverview
    case showQueues
    case showAgent
    case loginAll
    case pause
    case unpause
    case logout
    case choose
    case pickUp
    case transfer
    case monitor
    /// Click-to-call: the user's phone calls the selected extension.
    case dial
    /// Click-to-call of a number the user types (a customer, any outside number).
    case dialNumber
    /// Pause or resume the recording of the agent's call (a card number read out).
    case recording
    /// Find an extension by number or name as it is typed (the overview's extensions).
    case find
}

/// Work a screen asks the controller to do against the engine.
public enum ConsoleCommand: Sendable, Hashable {
    /// `call.hangup` for this call id.
    case hangUp(callID: String)
    /// Reconnect and load a fresh snapshot.
    case refresh
    /// `agent.login`, `agent.pause`, `agent.unpause` or `agent.logout`.
    case agent(AgentCommand)
    /// `call.pickup`: a ringing call rings this extension instead.
    case pickUpCall(callID: String, extensionNumber: String)
    /// `queue.pickup`: a waiting caller is taken out of the queue to this extension.
    case pickUpQueueCaller(callID: String, extensionNumber: String)
    /// `call.transfer`: the caller of this answered call (or, `keepingCallee`, its callee) is
    /// put through to `number`.
    case transfer(callID: String, to: String, keepingCallee: Bool)
    /// Listen to, whisper to or barge into the call of `extensionNumber` from the user's own
    /// phone: switches the user's running monitoring, or has the engine ring their phone.
    case monitor(extensionNumber: String, supervisor: String, mode: MonitorModeName)
    /// `call.originate`: the engine rings the user's phone `from`, then calls `to` for it.
    case originate(from: String, to: String)
    /// `call.record`: pauses the recording of this call, or resumes it when paused.
    case toggleRecording(callID: String)
}

/// What a supervisor can do to an agent from the queues screen, and an agent to themselves
/// from the agent screen.
public enum AgentCommand: Sendable, Hashable {
    /// `queues` nil: every queue that lists the agent.
    case login(agent: String, extensionNumber: String, queues: [String]?)
    case pause(agent: String, reason: String)
    case unpause(agent: String)
    case logout(agent: String)
}
