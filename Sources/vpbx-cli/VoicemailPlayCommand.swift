import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx vm play ID [FILE|-] [--force]`: listening to a message from the shell. Like
/// `vm export`, but the message counts as heard afterwards (folder old, and the phone's
/// message light follows), and without FILE the WAV goes to standard output for a player.
struct VoicemailPlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play", abstract: "Listen to a message: write its WAV to FILE or standard output, mark it heard.",
        discussion: """
            Without FILE, or with -, the WAV goes to standard output, to pipe into a player: \
            vpbx vm play ID | aplay. A terminal is refused. The message is marked heard (folder old, \
            the phone's message light follows) once all of its audio was written; a player stopped \
            early leaves it new. Use 'vpbx vm export' to save a copy without marking it heard.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Message id (see 'vpbx vm list').") var id: String
    @Argument(help: "The WAV file to write; - or none: standard output.") var file: String?
    @Flag(help: "Overwrite FILE if it exists.") var force = false

    private var toStandardOutput: Bool { file == nil || file == "-" }

    func validate() throws {
        if toStandardOutput {
            if isatty(STDOUT_FILENO) != 0 {
                throw ValidationError(
                    "standard output is a terminal, not a player: pipe it (vpbx vm play \(id) | aplay) or give a FILE")
            }
            if global.json {
                throw ValidationError("--json would mix with the audio on standard output; give a FILE to get JSON")
            }
        } else if let file, !force, FileManager.default.fileExists(atPath: file) {
            throw ValidationError("'\(file)' exists; add --force to overwrite it, or give another file name")
        }
    }

    func run() async throws {
        // Refused before any audio is written when the caller's role may not mark messages
        // heard (a supervisor may export): the same `forbidden` the engine would give.
        let (audio, data) = try await VoicemailExportCommand.fetch(id, global) { client in
            let role = try await client.hello(client: "vpbx").role
            guard VoicemailMarkHeard.allowedRoles.contains(role) else {
                throw RPCError.forbidden(
                    "vm play marks the message heard, which the \(role.rawValue) role may not do; "
                        + "'vpbx vm export ID FILE' saves a copy without marking it")
            }
        }
        if toStandardOutput {
            guard Output.binary(data) == .complete else { return }
        } else if let file {
            do {
                try VoicemailExportCommand.write(data, to: URL(fileURLWithPath: file), overwrite: force)
            } catch {
                Output.error("cannot write '\(file)': \(error.localizedDescription)")
                throw ExitCode(ExitStatus.engineError)
            }
        }
        let heard = try await EngineSession.run(global) {
            try await $0.call(VoicemailMarkHeard.self, .init(id: audio.message.id))
        }
        guard let file, !toStandardOutput else { return }
        if global.json {
            return Output.json(VoicemailExportCommand.Exported(message: heard, file: file, bytes: data.count))
        }
        Output.line("wrote \(file): \(VoicemailCommand.describe(heard))")
    }
}
