import ArgumentParser
import VPBXControl

/// `vpbx stop --when-idle | --refuse-new | --cancel`: the engine exits once no call is left.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the engine once no call is left, instead of cutting calls.",
        discussion: """
            --when-idle takes new calls as usual and stops the engine at the first moment without calls (Asterisk's \
            'core stop when convenient'); --refuse-new answers new calls and OPTIONS with 503 and a Retry-After, so a \
            front proxy or the provider sends them elsewhere, and stops the engine when the last call ends ('core \
            stop gracefully'). Registrations and the calls already up are untouched; a voicemail being left or a \
            queue caller waiting is a call. The engine exits with status 0, as after SIGTERM: a service manager \
            that restarts it (systemd Restart=always) brings up the new binary after an upgrade. --cancel goes \
            back to normal. SIGTERM still stops at once, ending the calls.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("when-idle"), help: "Stop at the first moment without calls; take new calls meanwhile.")
    var whenIdle = false

    @Flag(name: .customLong("refuse-new"), help: "Refuse new calls with 503 and stop when the last call ends.")
    var refuseNew = false

    @Flag(help: "Cancel a stop asked for earlier: take calls and keep running.")
    var cancel = false

    func validate() throws {
        guard [whenIdle, refuseNew, cancel].filter({ $0 }).count == 1 else {
            throw ValidationError(
                "give one of --when-idle, --refuse-new or --cancel (to stop at once, cutting calls: send SIGTERM)")
        }
    }

    func run() async throws {
        let mode = whenIdle ? "when-idle" : refuseNew ? "refuse-new" : "cancel"
        let result = try await EngineSession.run(global) { try await $0.call(EngineDrain.self, .init(mode: mode)) }
        if global.json { return Output.json(result) }
        switch result.draining {
        case nil:
            Output.line("not stopping: the engine takes calls as usual")
        case "refuse-new":
            Output.line("stopping: new calls refused with 503; the engine exits when the last of \(result.activeCalls) calls ends")
        default:
            Output.line("stopping: the engine exits at the first moment without calls (\(result.activeCalls) now)")
        }
    }
}
