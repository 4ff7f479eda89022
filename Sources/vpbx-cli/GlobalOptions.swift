import ArgumentParser
import Foundation
import VPBXControl

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Control socket of the engine (default: $VPBX_SOCKET, else ./vpbx-data/control.sock).")
    var socket: String?

    @Flag(help: "Print stable JSON instead of tables.")
    var json = false

    @Option(help: "Seconds to wait for each answer of the engine (default 10; 300 for reports).")
    var timeout: Double?

    func validate() throws {
        guard let timeout else { return }
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds between 0 and 86400, e.g. --timeout 30")
        }
    }

    /// The `--timeout` given, else `seconds`: what a command's answers may take (a report over
    /// a year of a big call center's queue calls reads millions of rows).
    func answerTimeout(default seconds: Double = 10) -> Duration {
        .milliseconds(Int64((timeout ?? seconds) * 1000))
    }

    var socketPath: String {
        SocketPath.resolve(option: socket, environment: ProcessInfo.processInfo.environment)
    }
}
