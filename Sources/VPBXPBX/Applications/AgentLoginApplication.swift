import VPBXMedia

/// What logging in from a phone needs from the call center.
public protocol AgentLoginService: Sendable {
    /// The agent logged in at `extensionNumber` now, if any.
    func agentLoggedIn(at extensionNumber: String) async -> String?
    /// Checks the agent's PIN (an agent without a PIN needs none) and logs them in at the
    /// extension, to all their queues.
    func login(agent: String, pin: String, at extensionNumber: String) async -> AgentLoginResult
    func logout(agent: String) async
}

public enum AgentLoginResult: Sendable, Equatable {
    case loggedIn
    /// Unknown agent or wrong PIN: the caller is not told which.
    case refused
    /// The agent is a member of no queue.
    case noQueues
}

/// `*45`: an agent logs in at the phone they call from, or out when someone is logged in
/// there already (one code, like FreePBX's queue toggle). Asks for the agent number and
/// the PIN, each ended by `#` (or a pause); three wrong tries, or no number at all, end the
/// call.
struct AgentLoginApplication: Sendable {
    let extensionNumber: String
    let service: any AgentLoginService
    let prompts: any PromptProvider
    let language: String

    static let attempts = 3

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        var keypad = KeypadReader(channel: channel, prompts: prompts, language: language)
        defer { keypad.stop() }
        if let agent = await service.agentLoggedIn(at: extensionNumber) {
            await service.logout(agent: agent)
            return await keypad.say(["agent-logged-out", "goodbye"], then: "agent-logout")
        }
        for _ in 0..<Self.attempts {
            guard let agent = await keypad.ask("agent-enter-number") else { return .callerLeft }
            // Silence instead of a number: the caller gave up (or dialled by mistake).
            if agent.isEmpty { return await keypad.say(["goodbye"], then: "agent-login=no-input") }
            guard let pin = await keypad.ask("vm-enter-pin") else { return .callerLeft }
            switch await service.login(agent: agent, pin: pin, at: extensionNumber) {
            case .loggedIn:
                return await keypad.say(["agent-logged-in", "goodbye"], then: "agent-login")
            case .noQueues:
                return await keypad.say(["invalid-choice", "goodbye"], then: "agent-login=no-queues")
            case .refused:
                _ = await channel.play(await prompts.items(["vm-wrong-pin"], language: language, bargeIn: false))
            }
        }
        return await keypad.say(["goodbye"], then: "agent-login=refused")
    }
}
