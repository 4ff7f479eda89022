import ArgumentParser
import VPBXControl

/// `vpbx timecond ...`: branch calls on opening hours.
struct TimeConditionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timecond", abstract: "Send calls one way while a schedule is open, another while it is closed.",
        subcommands: [
            TimeConditionAdd.self, TimeConditionListCommand.self, TimeConditionSet.self, TimeConditionRemove.self,
        ])

    static func printTable(_ list: [TimeConditionInfo]) {
        Output.table(
            ["NAME", "SCHEDULE", "NOW", "OPEN", "CLOSED"],
            list.map { [$0.name, $0.schedule, ScheduleCommand.state($0.status), $0.open, $0.closed] })
    }
}

/// `vpbx timecond add NAME --schedule S --open DEST --closed DEST`.
struct TimeConditionAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a time condition.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Name, e.g. daytime.") var name: String
    @Option(help: "The schedule it follows (vpbx schedule list).") var schedule: String
    @Option(help: "Destination while open: ext:NUMBER, time:NAME or hangup.") var open: String
    @Option(help: "Destination while closed.") var closed: String

    func validate() throws {
        try ScheduleCommand.validateName(name)
        try ScheduleCommand.validateName(schedule)
    }

    func run() async throws {
        let params = TimeConditionParams(name: name, schedule: schedule, open: open, closed: closed)
        let info = try await EngineSession.run(global) { try await $0.call(TimeConditionCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created time condition \(info.name): now \(info.status.open ? info.open : info.closed)")
    }
}

/// `vpbx timecond list`.
struct TimeConditionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List time conditions and which way each sends calls now.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(TimeConditionList.self, .init()) }
        if global.json { return Output.json(list) }
        TimeConditionCommand.printTable(list)
    }
}

/// `vpbx timecond set NAME [--schedule S] [--open DEST] [--closed DEST]`.
struct TimeConditionSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a time condition; options not given stay as they are.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Name.") var name: String
    @Option(help: "New schedule.") var schedule: String?
    @Option(help: "New destination while open.") var open: String?
    @Option(help: "New destination while closed.") var closed: String?

    func validate() throws {
        try ScheduleCommand.validateName(name)
        if let schedule { try ScheduleCommand.validateName(schedule) }
        if schedule == nil, open == nil, closed == nil {
            throw ValidationError("nothing to change; give --schedule, --open or --closed")
        }
    }

    func run() async throws {
        let params = TimeConditionParams(name: name, schedule: schedule, open: open, closed: closed)
        let info = try await EngineSession.run(global) { try await $0.call(TimeConditionUpdate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("updated time condition \(info.name): now \(info.status.open ? info.open : info.closed)")
    }
}

/// `vpbx timecond remove NAME`.
struct TimeConditionRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete an unused time condition.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Name.") var name: String

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(TimeConditionDelete.self, .init(name: name))
        }
        if global.json { return Output.json(info) }
        Output.line("removed time condition \(info.name)")
    }
}
