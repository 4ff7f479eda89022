import ArgumentParser
import Foundation
import VPBXConsole
import VPBXControl

/// `vpbx-tui`: the terminal console. Everything but option parsing lives in VPBXConsole.
@main
struct VPBXTUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpbx-tui",
        abstract: "Terminal console for vpbx: extensions with presence, live calls, hang-up.",
        discussion: """
            Connects to the engine's control socket and shows extensions (free, ringing, busy, \
            offline) and calls in progress, live. Press ? inside the console for the keys. When \
            the engine goes away the console shows "reconnecting…" and resynchronises once it is back.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Control socket of the engine (default: $\(SocketPath.environmentVariable), else \(SocketPath.defaultPath)).",
            valueName: "path"))
    var socket: String?

    func validate() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw ValidationError("vpbx-tui needs a terminal; for scripts use vpbx (see vpbx(1))")
        }
    }

    func run() async throws {
        let path = SocketPath.resolve(option: socket, environment: ProcessInfo.processInfo.environment)
        await ConsoleController.run(socketPath: path)
    }
}
