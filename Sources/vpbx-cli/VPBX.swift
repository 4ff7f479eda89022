import ArgumentParser
import Foundation

/// `vpbx`: script the engine through its control socket.
@main
struct VPBX: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpbx",
        abstract: "Administer a running vpbx-engine through its control socket.",
        discussion: """
            Exit codes: 0 success, 1 the engine answered an error, 2 bad usage, \
            3 cannot reach the engine. See vpbx(1).
            """,
        subcommands: [
            StatusCommand.self, ExtensionCommand.self, RegistrationCommand.self, BanCommand.self, CallCommand.self,
            CDRCommand.self, ScheduleCommand.self, HolidayCommand.self, RouteCommand.self,
            TimeConditionCommand.self, FeatureCodeCommand.self, NumberingCommand.self, MenuCommand.self, QueueCommand.self, AgentCommand.self,
            ReportCommand.self, PromptCommand.self, MusicCommand.self, VoicemailCommand.self, MonitorCommand.self,
            RecordingCommand.self, TrunkCommand.self, OutboundRouteCommand.self, ConferenceCommand.self, EventsCommand.self,
            BackupCommand.self, StopCommand.self, RPCCommand.self,
        ])

    /// Like ArgumentParser's `main`, but bad usage exits 2 (scripts rely on
    /// the documented codes) instead of EX_USAGE (64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// The documented exit codes.
enum ExitStatus {
    static let engineError: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
}
