import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx backup FILE`: a consistent copy of the database while calls go on.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the engine's database to a new file while calls go on.",
        discussion: """
            The engine writes the copy itself (so FILE is on the engine's machine and the engine's user must be \
            able to write there), first letting call records still in memory reach the database. The copy is one \
            self-contained SQLite file, readable by its owner only (it holds password digests and trunk \
            passwords), checked with SQLite's integrity check before it takes its name; an existing file is never \
            overwritten. Audio is not in it: copy the data directory's voicemail/, recordings/, prompts/ and moh/ \
            folders and audit.log too (rsync), and keep the recording key apart. Restore: stop the engine, move \
            the data directory's vpbx.db away and run vpbx-engine --restore FILE. Waits up to 300 s unless \
            --timeout says otherwise.
            """)

    /// `1 extension`, `2 extensions`.
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// Seconds the answer may take unless `--timeout` says otherwise: years of call records.
    static let defaultTimeout: Double = 300

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file, e.g. /var/backups/vpbx-$(date +%F).db; relative to this directory.")
    var file: String

    func run() async throws {
        // The engine resolves nothing against our directory: it gets an absolute path.
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let result = try await EngineSession.run(global, defaultTimeout: Self.defaultTimeout) {
            try await $0.call(EngineBackup.self, .init(path: path))
        }
        if global.json { return Output.json(result) }
        Output.fields([
            ("backup", result.path),
            ("size", "\(result.bytes) bytes, in \(String(format: "%.1f", result.seconds)) s"),
            ("schema", result.schema),
            (
                "holds",
                [
                    Self.count(result.extensions, "extension"), Self.count(result.callRecords, "call record"),
                    Self.count(result.voicemailMessages, "voicemail message"), Self.count(result.recordings, "recording"),
                ].joined(separator: ", ")
            ),
            (
                "not in it",
                "the audio in \(result.dataDirectory)/{voicemail,recordings,prompts,moh} and its audit.log: copy them too"
            ),
        ])
        if result.writesPending > 0 {
            Output.note(
                "\(result.writesPending) call records or registration changes were not yet in the database "
                    + "(it was refusing writes): they are not in this copy")
        }
    }
}
