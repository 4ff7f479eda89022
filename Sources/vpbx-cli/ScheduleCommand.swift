import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx schedule ...`: named opening hours that time conditions use.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Manage opening hours (weekly hours, holidays, overrides).",
        discussion: """
            HOURS is one or more clauses separated by ';', each DAYS RANGES: \
            'mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00'. Days: mon..sun (or h, k, sze, cs, p, szo, v), \
            a range (mon-fri) or a list (mon/wed/fri). A range past midnight (22:00-06:00) belongs to the day \
            it starts. 'sat closed' closes a day; '' means always closed.
            """,
        subcommands: [
            ScheduleAdd.self, ScheduleListCommand.self, ScheduleShow.self, ScheduleSet.self, ScheduleRemove.self,
            ScheduleOverrideCommand.self,
        ])

    static func validateName(_ name: String) throws {
        let valid =
            name.utf8.count <= 32 && name.first.map { $0.isASCII && $0.isLowercase } == true
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
        guard valid else {
            throw ValidationError(
                "name '\(name)' must be lowercase letters, digits, '-' or '_', starting with a letter, e.g. office"
            )
        }
    }

    static func state(_ status: ScheduleStatus) -> String {
        (status.open ? "open" : "closed") + " (\(status.detail))"
    }

    static func printTable(_ schedules: [ScheduleInfo]) {
        Output.table(
            ["NAME", "NOW", "UNTIL", "HOLIDAYS", "HOURS"],
            schedules.map {
                [
                    $0.name, state($0.status), Output.date($0.status.nextChange), $0.holidays ? "yes" : "no",
                    $0.hours.isEmpty ? "always closed" : $0.hours,
                ]
            })
    }

    static func printDetails(_ info: ScheduleInfo) {
        Output.fields([
            ("name", info.name), ("state", state(info.status)), ("next change", Output.date(info.status.nextChange)),
            ("hours", info.hours.isEmpty ? "always closed" : info.hours), ("time zone", info.timeZone),
            ("holidays close it", info.holidays ? "yes" : "no"),
            ("override", info.override.map { "\($0.mode.rawValue) until \(Output.date($0.until))" } ?? "-"),
        ])
    }
}

/// `vpbx schedule add NAME --hours HOURS [--tz ZONE] [--no-holidays]`.
struct ScheduleAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a schedule.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule name, e.g. office.") var name: String
    @Option(help: "Weekly hours, e.g. 'mon-fri 08:00-17:00; sat 09:00-12:00' ('' = always closed).") var hours: String
    @Option(name: .customLong("tz"), help: "IANA time zone of the hours (default Europe/Budapest).") var timeZone:
        String?
    @Flag(name: .customLong("no-holidays"), help: "Ignore public and company holidays (e.g. a 24/7 line).")
    var ignoresHolidays = false

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let params = ScheduleCreate.Params(
            name: name, hours: hours, timeZone: timeZone, holidays: ignoresHolidays ? false : nil)
        let info = try await EngineSession.run(global) { try await $0.call(ScheduleCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created schedule \(info.name): now \(ScheduleCommand.state(info.status))")
    }
}

/// `vpbx schedule list`.
struct ScheduleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List schedules and whether each is open now.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(ScheduleList.self, .init()) }
        if global.json { return Output.json(list) }
        ScheduleCommand.printTable(list)
    }
}

/// `vpbx schedule show NAME [--at TIME]`.
struct ScheduleShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a schedule and its state now, or at another moment (--at).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule name.") var name: String
    @Option(help: "Evaluate at this moment instead of now: '2026-12-24 10:00', ISO-8601, or +2h.") var at: DateArgument?

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(ScheduleGet.self, .init(name: name, at: at?.date))
        }
        if global.json { return Output.json(info) }
        ScheduleCommand.printDetails(info)
    }
}

/// `vpbx schedule set NAME [--hours H] [--tz Z] [--holidays|--no-holidays]`.
struct ScheduleSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a schedule; options not given stay as they are.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule name.") var name: String
    @Option(help: "New weekly hours.") var hours: String?
    @Option(name: .customLong("tz"), help: "New IANA time zone.") var timeZone: String?
    @Flag(exclusivity: .exclusive, help: "Whether holidays close this schedule.") var holidays: HolidayToggle?

    enum HolidayToggle: String, EnumerableFlag {
        case holidays
        case noHolidays
    }

    func validate() throws {
        try ScheduleCommand.validateName(name)
        if hours == nil, timeZone == nil, holidays == nil {
            throw ValidationError("nothing to change; give --hours, --tz, --holidays or --no-holidays")
        }
    }

    func run() async throws {
        let params = ScheduleUpdate.Params(
            name: name, hours: hours, timeZone: timeZone, holidays: holidays.map { $0 == .holidays })
        let info = try await EngineSession.run(global) { try await $0.call(ScheduleUpdate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("updated schedule \(info.name): now \(ScheduleCommand.state(info.status))")
    }
}

/// `vpbx schedule remove NAME`.
struct ScheduleRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete a schedule.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule name.") var name: String

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(ScheduleDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("removed schedule \(info.name)")
    }
}

/// `vpbx schedule override NAME open|closed|clear [--until TIME]`.
struct ScheduleOverrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Force a schedule open or closed (until --until, or until cleared), or clear the override.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule name.") var name: String
    @Argument(help: "open, closed or clear.") var mode: OverrideMode
    @Option(help: "When the override ends: '2026-12-01 08:00', ISO-8601, or +2h. Default: until cleared.")
    var until: DateArgument?

    func validate() throws {
        try ScheduleCommand.validateName(name)
        if mode == .clear, until != nil {
            throw ValidationError("--until makes no sense with 'clear'; drop it")
        }
        if let until, until.date <= Date() {
            throw ValidationError(
                "--until \(RPCCoding.formatDate(until.date)) is in the past; give a future time, e.g. --until +2h")
        }
    }

    func run() async throws {
        let params = ScheduleSetOverride.Params(name: name, mode: mode, until: until?.date)
        let info = try await EngineSession.run(global) { try await $0.call(ScheduleSetOverride.self, params) }
        if global.json { return Output.json(info) }
        Output.line("schedule \(info.name): now \(ScheduleCommand.state(info.status))")
    }
}
