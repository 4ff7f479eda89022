import ArgumentParser
import VPBXControl

/// `vpbx agent ...`: call-center agents: their definitions, and logging in and pausing.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Manage call-center agents; log them in and out, pause and unpause them.",
        subcommands: [
            AgentAdd.self, AgentListCommand.self, AgentShow.self, AgentSet.self, AgentRemove.self, AgentLoginCommand.self,
            AgentLogoutCommand.self, AgentPauseCommand.self, AgentUnpauseCommand.self, AgentStatusCommand.self,
        ])

    static func validateNumber(_ number: String) throws {
        guard (2...15).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("agent number '\(number)' must be 2 to 15 digits, e.g. 2001")
        }
    }

    /// Same rule as the engine's, so a typo fails before connecting; "" is allowed (clears).
    static func validateUnixUser(_ user: String?) throws {
        guard let user, !user.isEmpty else { return }
        let allowed = user.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        guard user.count <= 32, allowed, !user.hasPrefix("-") else {
            throw ValidationError(
                "--unix-user '\(user)' is not a Unix user name: use 1 to 32 letters, digits, '.', '_' or '-', e.g. anna")
        }
    }
}

/// `vpbx agent add NUMBER --name NAME [--pin PIN] [--unix-user USER]`.
struct AgentAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Define an agent.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number, 2 to 15 digits, e.g. 2001.") var number: String
    @Option(help: "Display name, e.g. 'Kovács Anna'.") var name: String
    @Option(help: "Login PIN, 4 to 10 digits (stored only as a salted hash).") var pin: String?
    @Option(help: "The Unix user who is this agent at vpbx-tui (at most one agent per user).") var unixUser: String?

    func validate() throws {
        try AgentCommand.validateNumber(number)
        try AgentCommand.validateUnixUser(unixUser)
    }

    func run() async throws {
        let params = AgentCreate.Params(number: number, name: name, pin: pin, unixUser: unixUser)
        let info = try await EngineSession.run(global) { try await $0.call(AgentCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created agent \(info.number) (\(info.name))")
    }
}

/// `vpbx agent set NUMBER [--name NAME] [--pin PIN] [--unix-user USER]`.
struct AgentSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change an agent's name, PIN or Unix user.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var number: String
    @Option(help: "New display name.") var name: String?
    @Option(help: "New login PIN, 4 to 10 digits; '' removes the PIN.") var pin: String?
    @Option(help: "The Unix user who is this agent at vpbx-tui; '' removes it.") var unixUser: String?

    func validate() throws {
        try AgentCommand.validateNumber(number)
        try AgentCommand.validateUnixUser(unixUser)
        if name == nil && pin == nil && unixUser == nil {
            throw ValidationError("nothing to change; e.g. vpbx agent set \(number) --name 'Nagy Anna'")
        }
    }

    func run() async throws {
        let params = AgentUpdate.Params(number: number, name: name, pin: pin, unixUser: unixUser)
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
            ["NUMBER", "NAME", "PIN", "UNIX USER", "QUEUES"],
            list.map {
                [$0.number, $0.name, $0.hasPin ? "yes" : "no", $0.unixUser ?? "-", $0.queues.joined(separator: " ")]
            })
    }
}

/// `vpbx agent show NUMBER`.
struct AgentShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one agent: name, PIN set or not, Unix user, queues.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Agent number.") var number: String

    func validate() throws { try AgentCommand.validateNumber(number) }

    func run() async throws {
        let info = try await EngineSession.run(global) { client in
            // agent.list is the one read of agent definitions; one agent is a filter of it.
            guard let info = try await client.call(AgentList.self, .init()).first(where: { $0.number == number }) else {
                throw RPCError.notFound("agent \(number) does not exist (see vpbx agent list)")
            }
            return info
        }
        if global.json { return Output.json(info) }
        Output.fields([
            ("number", info.number), ("name", info.name), ("pin", info.hasPin ? "yes" : "no"),
            ("unix user", info.unixUser ?? "-"), ("queues", info.queues.isEmpty ? "-" : info.queues.joined(separator: " ")),
        ])
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
