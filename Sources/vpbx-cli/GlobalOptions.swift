import ArgumentParser
import Foundation
import VPBXControl

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Control socket of the engine (default: $VPBX_SOCKET, else ./vpbx-data/control.sock).")
    var socket: String?

    @Flag(help: "Print stable JSON instead of tables.")
    var json = false

    @Option(help: "Seconds to wait for each answer of the engine.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds between 0 and 86400, e.g. --timeout 30")
        }
    }

    var socketPath: String {
        SocketPath.resolve(option: socket, environment: ProcessInfo.processInfo.environment)
    }
}
