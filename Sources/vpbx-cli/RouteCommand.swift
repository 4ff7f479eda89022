import ArgumentParser
import VPBXControl
import VPBXText

/// `vpbx route ...`: numbers the exchange answers besides extensions.
struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Send calls to a number (not an extension's) to a destination.",
        discussion: """
            DEST is ext:NUMBER (ring an extension), time:NAME (a time condition, see 'vpbx timecond') \
            or hangup (refuse the call).
            """,
        subcommands: [RouteAdd.self, RouteListCommand.self, RouteRemove.self])

    /// A short number as typed, or a public number (a trunk's DID: `+36...`, `06...`,
    /// `0036...`) in E.164, as calls from trunks are routed by.
    static func routeNumber(_ text: String) throws -> String {
        guard text.hasPrefix("+") || text.hasPrefix("06") || text.hasPrefix("00") else {
            try ExtensionCommand.validateNumber(text)
            return text
        }
        let number = PublicNumber.routeNumber(text)
        guard number.hasPrefix("+") else {
            throw ValidationError("'\(text)' is not a phone number; type a DID like '+36 1 234 5600' or '06 1 234 5600'")
        }
        return number
    }
}

/// `vpbx route add NUMBER --to DEST`.
struct RouteAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Answer a number.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The number callers dial, e.g. 100, or a trunk's number (DID), e.g. '+36 1 234 5600' or '06 1 234 5600'.")
    var number: String
    @Option(help: "Where its calls go: ext:NUMBER, time:NAME or hangup.") var to: String

    func validate() throws { _ = try RouteCommand.routeNumber(number) }

    func run() async throws {
        let number = try RouteCommand.routeNumber(number)
        let info = try await EngineSession.run(global) {
            try await $0.call(RouteCreate.self, .init(number: number, destination: to))
        }
        if global.json { return Output.json(info) }
        Output.line("calls to \(info.number) go to \(info.destination)")
    }
}

/// `vpbx route list`.
struct RouteListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List routes.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(RouteList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(["NUMBER", "DESTINATION"], list.map { [$0.number, $0.destination] })
    }
}

/// `vpbx route remove NUMBER`.
struct RouteRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop answering a number.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The number.") var number: String

    func validate() throws { _ = try RouteCommand.routeNumber(number) }

    func run() async throws {
        let number = try RouteCommand.routeNumber(number)
        let info = try await EngineSession.run(global) { try await $0.call(RouteDelete.self, .init(number: number)) }
        if global.json { return Output.json(info) }
        Output.line("removed the route of \(info.number)")
    }
}
