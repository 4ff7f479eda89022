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

    static let keyTimeoutSeconds = 6
    static let attempts = 3

    private enum Event: Sendable {
        case key(Character)
        case timeout(Int)
        case gone
    }

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        if let agent = await service.agentLoggedIn(at: extensionNumber) {
            await service.logout(agent: agent)
            return await say(["agent-logged-out", "goodbye"], then: "agent-logout", on: channel)
        }
        let (events, input) = AsyncStream<Event>.makeStream()
        let keys = Task {
            for await digit in channel.digits { input.yield(.key(digit.rawValue)) }
            input.yield(.gone)
        }
        defer { keys.cancel() }
        var iterator = events.makeAsyncIterator()
        for _ in 0..<Self.attempts {
            guard let agent = await ask("agent-enter-number", on: channel, events: &iterator, input: input) else {
                return .callerLeft
            }
            // Silence instead of a number: the caller gave up (or dialled by mistake).
            if agent.isEmpty { return await say(["goodbye"], then: "agent-login=no-input", on: channel) }
            guard let pin = await ask("vm-enter-pin", on: channel, events: &iterator, input: input) else {
                return .callerLeft
            }
            switch await service.login(agent: agent, pin: pin, at: extensionNumber) {
            case .loggedIn:
                return await say(["agent-logged-in", "goodbye"], then: "agent-login", on: channel)
            case .noQueues:
                return await say(["invalid-choice", "goodbye"], then: "agent-login=no-queues", on: channel)
            case .refused:
                _ = await channel.play(await prompts.items(["vm-wrong-pin"], language: language, bargeIn: false))
            }
        }
        return await say(["goodbye"], then: "agent-login=refused", on: channel)
    }

    /// Plays `prompt` (a key cuts it short and counts as the first digit), then collects
    /// digits until `#` or a pause. Nil when the caller hung up.
    private func ask(
        _ prompt: String, on channel: any MediaChannel, events: inout AsyncStream<Event>.Iterator,
        input: AsyncStream<Event>.Continuation
    ) async -> String? {
        var digits = ""
        switch await channel.play(await prompts.items([prompt], language: language, bargeIn: true)) {
        case .closed: return nil
        case .interrupted(let digit):
            if digit.rawValue == "#" { return digits }
            digits.append(digit.rawValue)
        case .finished, .stopped: break
        }
        var generation = 0
        while true {
            generation += 1
            let current = generation
            let timer = Task {
                try? await Task.sleep(for: .seconds(Self.keyTimeoutSeconds))
                if !Task.isCancelled { input.yield(.timeout(current)) }
            }
            let event = await events.next()
            timer.cancel()
            switch event {
            case .gone, nil: return nil
            case .timeout(let fired) where fired == current: return digits
            case .timeout: continue
            case .key("#"): return digits
            case .key(let key) where key.isNumber && digits.count < 16: digits.append(key)
            case .key: continue
            }
        }
    }

    private func say(_ names: [String], then step: String, on channel: any MediaChannel) async -> ApplicationOutcome {
        let outcome = await channel.play(await prompts.items(names, language: language, bargeIn: false))
        return outcome == .closed ? .callerLeft : .hangup(step: step)
    }
}
