import ArgumentParser
import Foundation
import VPBXConsole
import VPBXControl

/// `vpbx-tui`: the terminal console. Everything but option parsing lives in VPBXConsole.
@main
struct VPBXTUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpbx-tui",
        abstract: "Terminal console for vpbx: extensions with presence, live calls, queues and agents, wallboard.",
        discussion: """
            Connects to the engine's control socket and shows extensions (free, ringing, busy, \
            offline) and calls in progress, live; admins and supervisors also get the queues screen \
            (key 2: queues, agents, waiting callers; pause, unpause, log out agents). Agents (the \
            agent role, mapped to an agent with vpbx agent set NUMBER --unix-user NAME) get their \
            agent screen: state, queues, the calling party, wrap-up, recent calls; staff who also \
            take calls open it with key 3 after --agent NUMBER. Press ? inside \
            the console for the keys. With --wallboard it shows a read-only wallboard of the queues \
            for a TV instead. When the engine goes away the console shows "reconnecting…" and \
            resynchronises once it is back.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Control socket of the engine (default: $\(SocketPath.environmentVariable), else \(SocketPath.defaultPath)).",
            valueName: "path"))
    var socket: String?

    @Flag(help: "Show the read-only call-center wallboard (big figures per queue) instead of the console.")
    var wallboard = false

    @Option(
        name: .customLong("extension"),
        help: ArgumentHelp(
            "Your own phone's extension: key g picks a ringing call, or a queue's longest-waiting caller, up to it.",
            valueName: "number"))
    var ownExtension: String?

    @Option(
        name: .customLong("agent"),
        help: ArgumentHelp(
            "Your agent number, for supervisors who also take calls: key 3 shows the agent screen for it (agents get theirs without this).",
            valueName: "number"))
    var ownAgent: String?

    @Option(
        help: ArgumentHelp(
            "With --wallboard: only these queues, in this order, comma-separated (default: all, by name).",
            valueName: "a,b"))
    var queues: String?

    @Option(
        help: ArgumentHelp(
            "With --wallboard: when figures turn yellow/red, e.g. wait=30/60,sl=80/60,waiting=3/6 (seconds of the longest wait; service level % below; callers waiting). Keys left out keep these defaults.",
            valueName: "list"))
    var thresholds: String?

    func validate() throws {
        if let ownExtension, ownExtension.isEmpty || !ownExtension.allSatisfy(\.isNumber) {
            throw ValidationError("--extension '\(ownExtension)' is not an extension number, e.g. --extension 1005")
        }
        if let ownAgent, !(2...15).contains(ownAgent.count) || !ownAgent.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("--agent '\(ownAgent)' is not an agent number (2 to 15 digits), e.g. --agent 2001")
        }
        if wallboard, ownAgent != nil {
            throw ValidationError("--agent does not go with --wallboard (a wallboard takes no calls)")
        }
        if !wallboard, queues != nil || thresholds != nil {
            throw ValidationError(
                "--queues and --thresholds go with --wallboard, e.g. vpbx-tui --wallboard --queues sales")
        }
        if queues != nil, WallboardOptions.queueList(queues) == nil {
            throw ValidationError("--queues needs at least one queue name, e.g. --queues sales,support")
        }
        if let thresholds {
            do { _ = try WallboardThresholds(parsing: thresholds) } catch {
                throw ValidationError("--thresholds: \(error)")
            }
        }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw ValidationError("vpbx-tui needs a terminal; for scripts use vpbx (see vpbx(1))")
        }
    }

    func run() async throws {
        let path = SocketPath.resolve(option: socket, environment: ProcessInfo.processInfo.environment)
        var mode = ConsoleMode.console
        if wallboard {
            let limits = try thresholds.map { try WallboardThresholds(parsing: $0) } ?? WallboardThresholds()
            mode = .wallboard(WallboardOptions(queues: WallboardOptions.queueList(queues), thresholds: limits))
        }
        await ConsoleController.run(socketPath: path, mode: mode, ownExtension: ownExtension, ownAgent: ownAgent)
    }
}
