import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx vm ...`: the messages callers left.
struct VoicemailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vm", abstract: "List, play, export and delete voicemail messages.",
        discussion: """
            A mailbox belongs to an extension and is switched on with \
            'vpbx ext set EXT --voicemail on --vm-pin PIN'. Messages are 8 kHz mono WAV files \
            in DATA-DIR/voicemail/EXT/.
            """,
        subcommands: [
            VoicemailListCommand.self, VoicemailPlayCommand.self, VoicemailExportCommand.self,
            VoicemailDeleteCommand.self,
        ])

    static func describe(_ message: VoicemailMessageInfo) -> String {
        "\(message.id) from \(from(message)), \(seconds(message.durationMilliseconds)) s, \(message.folder.rawValue)"
    }

    static func from(_ message: VoicemailMessageInfo) -> String {
        guard let name = message.callerName, !name.isEmpty else { return message.caller }
        return "\(name) <\(message.caller)>"
    }

    static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.1f", Double(milliseconds) / 1000)
    }

    /// `sent`, `pending` (the mail command has not taken it yet: tried again later) or `-`.
    static func email(_ message: VoicemailMessageInfo) -> String {
        guard message.emailTo != nil else { return "-" }
        return message.emailedAt == nil ? "pending" : "sent"
    }
}

/// `vpbx vm list EXT`.
struct VoicemailListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a mailbox's messages, newest first, with its new and old counts.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number of the mailbox, e.g. 101.") var mailbox: String

    func validate() throws { try ExtensionCommand.validateNumber(mailbox) }

    func run() async throws {
        let box = try await EngineSession.run(global) { try await $0.call(VoicemailList.self, .init(mailbox: mailbox)) }
        if global.json { return Output.json(box) }
        Output.line(
            "mailbox \(box.mailbox) (\(box.enabled ? "on" : "off")): \(box.newCount) new, \(box.oldCount) old")
        guard !box.messages.isEmpty else { return }
        Output.table(
            ["ID", "FROM", "RECEIVED", "SECONDS", "FOLDER", "EMAIL"],
            box.messages.map {
                [
                    $0.id, VoicemailCommand.from($0), Output.date($0.receivedAt),
                    VoicemailCommand.seconds($0.durationMilliseconds), $0.folder.rawValue, VoicemailCommand.email($0),
                ]
            })
    }
}

/// `vpbx vm export ID FILE [--force]`.
struct VoicemailExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Save a message as a WAV file (8 kHz mono PCM 16-bit).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Message id (see 'vpbx vm list').") var id: String
    @Argument(help: "The WAV file to write.") var file: String
    @Flag(help: "Overwrite FILE if it exists.") var force = false

    /// What `--json` prints: the message and where its audio went (not the audio itself).
    struct Exported: Encodable {
        var message: VoicemailMessageInfo
        var file: String
        var bytes: Int
    }

    func validate() throws {
        if !force, FileManager.default.fileExists(atPath: file) {
            throw ValidationError("'\(file)' exists; add --force to overwrite it, or give another file name")
        }
    }

    func run() async throws {
        let (audio, data) = try await Self.fetch(id, global)
        do {
            try Self.write(data, to: URL(fileURLWithPath: file), overwrite: force)
        } catch {
            Output.error("cannot write '\(file)': \(error.localizedDescription)")
            throw ExitCode(ExitStatus.engineError)
        }
        if global.json { return Output.json(Exported(message: audio.message, file: file, bytes: data.count)) }
        Output.line("wrote \(file): \(VoicemailCommand.describe(audio.message))")
    }
}

extension VoicemailExportCommand {
    /// The message and its WAV bytes, from `voicemail.export`.
    /// `before` runs first on the same connection (a check that may refuse).
    static func fetch(
        _ id: String, _ global: GlobalOptions, before: @Sendable (ControlClient) async throws -> Void = { _ in }
    ) async throws -> (VoicemailAudio, Data) {
        let audio = try await EngineSession.run(global) {
            try await before($0)
            return try await $0.call(VoicemailExport.self, .init(id: id))
        }
        guard let data = Data(base64Encoded: audio.wav) else {
            Output.error("the engine sent audio that is not base64; is the engine the same version as vpbx?")
            throw ExitCode(ExitStatus.engineError)
        }
        return (audio, data)
    }

    /// Writes the whole file or nothing. Foundation traps on `.atomic` with
    /// `.withoutOverwriting`, so without `overwrite` a complete temporary file is hard-linked
    /// to the name, which fails (keeping the other file) if that name appeared meanwhile.
    static func write(_ data: Data, to url: URL, overwrite: Bool) throws {
        if overwrite { return try data.write(to: url, options: .atomic) }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try data.write(to: temporary)
        try FileManager.default.linkItem(at: temporary, to: url)
    }
}

/// `vpbx vm delete ID`.
struct VoicemailDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a message and its audio.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Message id (see 'vpbx vm list').") var id: String

    func run() async throws {
        let message = try await EngineSession.run(global) { try await $0.call(VoicemailDelete.self, .init(id: id)) }
        if global.json { return Output.json(message) }
        Output.line("deleted \(VoicemailCommand.describe(message))")
    }
}
