import ArgumentParser
import VPBXControl

/// `vpbx agent ...`: call-center agents: their definitions, and logging in and pausing.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Manage call-center agents; log them in and out, pause and unpause them.",
        subcommands: [
            AgentAdd.self, AgentListCommand.self, AgentSet.self, AgentRemove.self, AgentLoginCommand.self,
            AgentLogoutCommand.self, AgentPauseCommand.self, AgentUnpauseCommand.self, AgentStatusCommand.self,
        ])

    static func validateNumber(_ number: String) throws {
        guard (2...15).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("agent number '\(number)' must be 2 to 15 digits, e.g. 2001")
        }
    }
}

/// `vpbx agent add NUMBER --name NAME [--pin PIN]`.
struct AgentAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Define an agent.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number, 2 to 15 digits, e.g. 2001.") var number: String
    @Option(help: "Display name, e.g. 'Kovács Anna'.") var name: String
    @Option(help: "Login PIN, 4 to 10 digits (stored only as a salted hash).") var pin: String?

    func validate() throws { try AgentCommand.validateNumber(number) }

    func run() async throws {
        let params = AgentCreate.Params(number: number, name: name, pin: pin)
        let info = try await EngineSession.run(global) { try await $0.call(AgentCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created agent \(info.number) (\(info.name))")
    }
}

/// `vpbx agent set NUMBER [--name NAME] [--pin PIN]`.
struct AgentSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Change an agent's name or PIN.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var number: String
    @Option(help: "New display name.") var name: String?
    @Option(help: "New login PIN, 4 to 10 digits; '' removes the PIN.") var pin: String?

    func validate() throws {
        try AgentCommand.validateNumber(number)
        if name == nil && pin == nil {
            throw ValidationError("nothing to change; e.g. vpbx agent set \(number) --name 'Nagy Anna'")
        }
    }

    func run() async throws {
        let params = AgentUpdate.Params(number: number, name: name, pin: pin)
        let info = try await EngineSession.run(global) { try await $0.call(AgentUpdate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("updated agent \(info.number)")
    }
}

/// `vpbx agent list`.
struct AgentListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List agents and their queues.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(AgentList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NUMBER", "NAME", "PIN", "QUEUES"],
            list.map { [$0.number, $0.name, $0.hasPin ? "yes" : "no", $0.queues.joined(separator: " ")] })
    }
}

/// `vpbx agent remove NUMBER`.
struct AgentRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete an agent who is a member of no queue.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var number: String

    func validate() throws { try AgentCommand.validateNumber(number) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(AgentDelete.self, .init(number: number)) }
        if global.json { return Output.json(info) }
        Output.line("removed agent \(info.number)")
    }
}
