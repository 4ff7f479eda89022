import ArgumentParser
import VPBXControl

/// `vpbx holiday ...`: the exchange's holiday calendar.
struct HolidayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holiday", abstract: "Show and edit the holiday calendar (Hungarian holidays built in).",
        discussion: """
            Hungary's public holidays (Easter-based days included) and the government-decreed workday swaps \
            are built in. Add company days with 'add', decrees newer than this release with 'swap'. \
            Schedules created with --no-holidays ignore all of them.
            """,
        subcommands: [
            HolidayListCommand.self, HolidayAddCommand.self, HolidayRemoveCommand.self, HolidaySwapCommand.self,
            HolidayUnswapCommand.self,
        ])

    static func validateDate(_ text: String, option: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else {
            throw ValidationError("\(option) '\(text)' is not a date; write YYYY-MM-DD, e.g. 2026-12-24")
        }
    }
}

/// `vpbx holiday list [--year Y]`.
struct HolidayListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the calendar of a year.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Year (default: this year).") var year: Int?

    func validate() throws {
        if let year, !(1900...2200).contains(year) { throw ValidationError("--year must be between 1900 and 2200") }
    }

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(HolidayList.self, .init(year: year)) }
        if global.json { return Output.json(list) }
        Output.table(
            ["DATE", "KIND", "NAME", "HOURS", "PAIRED", "SOURCE"],
            list.map {
                [
                    $0.date, $0.kind.rawValue, $0.name,
                    $0.kind == .workday ? "open" : ($0.hours ?? "closed"), $0.pairedWith ?? "-",
                    $0.source ?? ($0.editable ? "administrator" : "built in"),
                ]
            })
    }
}

/// `vpbx holiday add DATE --name N [--hours RANGES]`.
struct HolidayAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add (or replace) a company day: closed, or open only in --hours.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The day, YYYY-MM-DD.") var date: String
    @Option(help: "Name, e.g. 'Leltár'.") var name: String
    @Option(help: "Open only in these ranges, e.g. 08:00-12:00 (default: closed all day).") var hours: String?

    func validate() throws { try HolidayCommand.validateDate(date, option: "DATE") }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(HolidayAdd.self, .init(date: date, name: name, hours: hours))
        }
        if global.json { return Output.json(info) }
        Output.line("\(info.date) \(info.name): " + (info.hours.map { "open \($0)" } ?? "closed"))
    }
}

/// `vpbx holiday remove DATE`.
struct HolidayRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a company day.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The day, YYYY-MM-DD.") var date: String

    func validate() throws { try HolidayCommand.validateDate(date, option: "DATE") }

    func run() async throws {
        let ack = try await EngineSession.run(global) { try await $0.call(HolidayRemove.self, .init(date: date)) }
        if global.json { return Output.json(ack) }
        Output.line("removed \(date)")
    }
}

/// `vpbx holiday swap --rest DATE --work DATE [--note TEXT]`.
struct HolidaySwapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swap", abstract: "Add a workday swap: --rest is off, --work is worked with the rest day's hours.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The day off, YYYY-MM-DD.") var rest: String
    @Option(help: "The day worked instead (usually a Saturday), YYYY-MM-DD.") var work: String
    @Option(help: "Where it comes from, e.g. the decree's number.") var note: String?

    func validate() throws {
        try HolidayCommand.validateDate(rest, option: "--rest")
        try HolidayCommand.validateDate(work, option: "--work")
        if rest == work { throw ValidationError("--rest and --work must be different days") }
    }

    func run() async throws {
        let ack = try await EngineSession.run(global) {
            try await $0.call(HolidaySwap.self, .init(restDay: rest, workday: work, note: note))
        }
        if global.json { return Output.json(ack) }
        Output.line("\(rest) is off, \(work) is worked instead")
    }
}

/// `vpbx holiday unswap DATE`.
struct HolidayUnswapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unswap", abstract: "Remove a workday swap you added, by its rest day.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The rest day of the swap, YYYY-MM-DD.") var date: String

    func validate() throws { try HolidayCommand.validateDate(date, option: "DATE") }

    func run() async throws {
        let ack = try await EngineSession.run(global) { try await $0.call(HolidayUnswap.self, .init(date: date)) }
        if global.json { return Output.json(ack) }
        Output.line("removed the swap of \(date)")
    }
}
