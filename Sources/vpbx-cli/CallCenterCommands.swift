import ArgumentParser
import Foundation
import VPBXControl

// The live side of the call center: agents logging in and pausing, queue figures. They sit
// under `vpbx agent` and `vpbx queue` next to the configuration commands.

/// `vpbx agent login AGENT --at EXT [--queues a,b]`.
struct AgentLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log an agent in at an extension: queue calls ring there from now on.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var agent: String
    @Option(name: .customLong("at"), help: "The extension where the agent sits.") var extensionNumber: String
    @Option(help: "Only these queues, comma-separated (default: all the agent's queues).") var queues: String?

    func validate() throws {
        if let queues, queues.split(separator: ",").isEmpty {
            throw ValidationError("--queues needs at least one queue name, e.g. --queues sales,support")
        }
    }

    func run() async throws {
        let wanted = queues.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let info = try await EngineSession.run(global) {
            try await $0.call(AgentLogin.self, .init(number: agent, extension: extensionNumber, queues: wanted))
        }
        AgentStatusCommand.show(info, json: global.json)
    }
}

/// `vpbx agent logout AGENT`.
struct AgentLogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Log an agent out of all queues (a call in progress goes on).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var agent: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(AgentLogout.self, .init(number: agent)) }
        AgentStatusCommand.show(info, json: global.json)
    }
}

/// `vpbx agent pause AGENT --reason lunch`.
struct AgentPauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause an agent: no queue calls until unpaused.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var agent: String
    @Option(help: "Why: lunch, training, admin, ... (1-32 characters).") var reason = "break"

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(AgentPause.self, .init(number: agent, reason: reason))
        }
        AgentStatusCommand.show(info, json: global.json)
    }
}

/// `vpbx agent unpause AGENT`.
struct AgentUnpauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpause", abstract: "End an agent's pause: queue calls are offered again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var agent: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(AgentUnpause.self, .init(number: agent)) }
        AgentStatusCommand.show(info, json: global.json)
    }
}

/// `vpbx agent status`.
struct AgentStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every agent's live state, time in state and today's calls.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(AgentStatus.self, .init()) }
        Self.show(list, json: global.json)
    }

    /// One agent (after login, pause, ...): the object itself with --json.
    static func show(_ info: AgentStatusInfo, json: Bool) {
        if json { return Output.json(info) }
        show([info], json: false)
    }

    static func show(_ list: [AgentStatusInfo], json: Bool) {
        if json { return Output.json(list) }
        Output.table(
            ["AGENT", "NAME", "STATE", "SINCE", "EXT", "QUEUES", "CALLS", "TALK", "HOLD"],
            list.map {
                [
                    $0.number, $0.name, $0.reason.map { "paused (\($0))" } ?? $0.state, duration($0.secondsInState),
                    $0.extensionNumber ?? "-", $0.queues.joined(separator: ","), String($0.callsHandled),
                    duration($0.talkSeconds), duration($0.holdSeconds ?? 0),
                ]
            })
    }

    static func duration(_ seconds: Int) -> String {
        String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

/// `vpbx queue stats [NAME]`.
struct QueueStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Live queue figures: waiting callers, agents, and today's offered/answered/abandoned, service level, ASA, AHT.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "One queue (default: all).") var queue: String?

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(QueueStats.self, .init(queue: queue)) }
        if global.json { return Output.json(list) }
        Output.table(
            [
                "QUEUE", "WAITING", "LONGEST", "AGENTS", "FREE", "TALKING", "PAUSED", "OFFERED", "ANSWERED", "ABANDONED",
                "SL%", "ASA", "AHT",
            ],
            list.map {
                [
                    $0.queue, String($0.callsWaiting), AgentStatusCommand.duration($0.longestCurrentWaitSeconds),
                    String($0.agentsLoggedIn), String($0.agentsAvailable), String($0.agentsOnCall), String($0.agentsPaused),
                    String($0.today.offered), String($0.today.answered), String($0.today.abandoned),
                    $0.today.serviceLevelPercent.map { String(format: "%.1f", $0) } ?? "-",
                    $0.today.averageSpeedOfAnswerSeconds.map { String(format: "%.0f s", $0) } ?? "-",
                    $0.today.averageHandleTimeSeconds.map { String(format: "%.0f s", $0) } ?? "-",
                ]
            })
    }
}

/// `vpbx queue pickup CALL --to EXT`.
struct QueuePickupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pickup", abstract: "Pick a waiting caller up to an extension (see 'vpbx queue stats' for the call ids).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The waiting caller's call id.") var call: String
    @Option(name: .customLong("to"), help: "The extension to ring for the caller.") var extensionNumber: String

    func run() async throws {
        let result = try await EngineSession.run(global) {
            try await $0.call(QueuePickup.self, .init(call: call, extension: extensionNumber))
        }
        if global.json { return Output.json(result) }
        Output.line("caller \(call) goes to \(extensionNumber)")
    }
}

/// `vpbx queue move CALL --to QUEUE`.
struct QueueMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a waiting caller to another queue.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The waiting caller's call id.") var call: String
    @Option(name: .customLong("to"), help: "The queue the caller joins.") var queue: String

    func run() async throws {
        let result = try await EngineSession.run(global) { try await $0.call(QueueMove.self, .init(call: call, queue: queue)) }
        if global.json { return Output.json(result) }
        Output.line("caller \(call) moves to queue \(queue)")
    }
}
