import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx monitor ...`: supervisors on calls. They start from their own phone: `*222` (listen),
/// `*223` (whisper) or `*224` (barge) followed by the extension's number.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Show supervisors listening to, whispering to or barging into calls; switch or end them.",
        discussion: """
            A supervisor starts from their phone by dialling *222 (listen), *223 (whisper) or *224 (barge) \
            and the extension's number, e.g. *2221001; the extension must be allowed to \
            (vpbx ext set NUMBER --monitor allow). Keys 4, 5, 6 on the phone switch between the modes.
            """,
        subcommands: [MonitorListCommand.self, MonitorStartCommand.self, MonitorModeCommand.self, MonitorStopCommand.self])
}

/// `vpbx monitor list`.
struct MonitorListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List supervisors on calls now.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let monitors = try await EngineSession.run(global) { try await $0.call(MonitorList.self, .init()) }
        if global.json { return Output.json(monitors) }
        let now = Date()
        Output.table(
            ["ID", "SUPERVISOR", "EXTENSION", "MODE", "STATE", "FOR", "CALL"],
            monitors.map { monitor in
                [
                    monitor.id, monitor.supervisor, monitor.extension, monitor.mode.rawValue, monitor.state,
                    Output.duration(seconds: max(0, Int(now.timeIntervalSince(monitor.startedAt)))), monitor.call,
                ]
            })
    }
}

/// `vpbx monitor start EXT --from SUPERVISOR [--mode M]`.
struct MonitorStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Ring a supervisor's phone; when answered it listens to (whispers to, barges into) an extension's call.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The extension whose call to join.") var extensionNumber: String
    @Option(name: .customLong("from"), help: "The supervisor's extension, whose phone rings.") var supervisor: String
    @Option(help: "listen, whisper or barge.") var mode: MonitorModeName = .listen

    func run() async throws {
        let monitor = try await EngineSession.run(global) {
            try await $0.call(MonitorStart.self, .init(supervisor: supervisor, extension: extensionNumber, mode: mode))
        }
        if global.json { return Output.json(monitor) }
        Output.line("ringing \(monitor.supervisor) to \(monitor.mode.rawValue) on \(monitor.extension)'s call (\(monitor.id))")
    }
}

/// `vpbx monitor mode ID listen|whisper|barge`.
struct MonitorModeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode", abstract: "Switch a supervisor between listen, whisper and barge.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Monitoring id, as shown by 'vpbx monitor list'.") var id: String
    @Argument(help: "listen (nobody hears the supervisor), whisper (only the agent does) or barge (both do).")
    var mode: MonitorModeName

    func run() async throws {
        let monitor = try await EngineSession.run(global) {
            try await $0.call(MonitorSetMode.self, .init(id: id, mode: mode))
        }
        if global.json { return Output.json(monitor) }
        Output.line("\(monitor.supervisor) now \(monitor.mode.rawValue)s on \(monitor.extension)'s call")
    }
}

/// `vpbx monitor stop ID`.
struct MonitorStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Hang up a supervisor's listening leg; the call itself goes on.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Monitoring id, as shown by 'vpbx monitor list'.") var id: String

    func run() async throws {
        let ack = try await EngineSession.run(global) { try await $0.call(MonitorStop.self, .init(id: id)) }
        if global.json { return Output.json(ack) }
        Output.line("stopped monitoring \(id)")
    }
}
