import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx moh ...`: the music a held caller hears.
struct MusicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moh", abstract: "Show, replace and reset the music on hold and its classes.",
        discussion: """
            A party that puts a call on hold (re-INVITE sendonly or inactive) makes the engine play music \
            to the other party, in the call's codec (PCMA or PCMU): the default class, whose built-in music \
            is an 8 s loop composed in code. Queues play the default class too, or a named class of their \
            own (vpbx queue set NAME --music CLASS). 'set' uploads a PCM 16-bit WAV at 8, 16, 44.1 or \
            48 kHz, mono or stereo, at most ten minutes, kept as DATA-DIR/moh/CLASS.wav; with a new \
            --class it creates that class. Make sure you hold the rights to play it to callers.
            """,
        subcommands: [MusicShowCommand.self, MusicListCommand.self, MusicSetCommand.self, MusicResetCommand.self])

    static func describe(_ info: MusicInfo) -> String {
        let name = info.musicClass.map { "music class \($0)" } ?? "music on hold"
        return "\(name): \(info.source.rawValue), \(PromptCommand.seconds(info.durationMilliseconds)) s loop"
    }
}

/// `--class NAME` of the `moh` subcommands.
struct MusicClassOption: ParsableArguments {
    @Option(name: .customLong("class"), help: "The music class (default: the default class, which every hold plays).")
    var musicClass: String?
}

/// `vpbx moh list`.
struct MusicListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every music class: the default first, then the named ones queues choose.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let classes = try await EngineSession.run(global) { try await $0.call(MusicList.self, .init()) }
        if global.json { return Output.json(classes) }
        Output.table(
            ["CLASS", "SOURCE", "SECONDS"],
            classes.map { [$0.musicClass ?? "default", $0.source.rawValue, PromptCommand.seconds($0.durationMilliseconds)] })
    }
}

/// `vpbx moh show`.
struct MusicShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Where the music on hold comes from (built-in or custom) and its length.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var option: MusicClassOption

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(MusicShow.self, .init(musicClass: option.musicClass))
        }
        if global.json { return Output.json(info) }
        Output.line(MusicCommand.describe(info))
    }
}

/// `vpbx moh set FILE.wav`.
struct MusicSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Replace the music on hold with a WAV file.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "PCM 16-bit WAV file (8/16/44.1/48 kHz, mono or stereo, up to 10 minutes).") var file: String
    @OptionGroup var option: MusicClassOption

    func validate() throws { try WAVUpload.checkReadable(file) }

    func run() async throws {
        let upload = try WAVUpload(path: file)
        let info = try await EngineSession.run(global) {
            try await $0.call(
                MusicSet.self, .init(wav: upload.base64, fileName: upload.fileName, musicClass: option.musicClass))
        }
        if global.json { return Output.json(info) }
        Output.line(MusicCommand.describe(info))
    }
}

/// `vpbx moh reset`.
struct MusicResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Remove a class's file: the default class plays the built-in music again, a named class is deleted.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var option: MusicClassOption

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(MusicReset.self, .init(musicClass: option.musicClass))
        }
        if global.json { return Output.json(info) }
        if let name = option.musicClass, name != "default" { return Output.line("music class \(name) removed") }
        Output.line(MusicCommand.describe(info))
    }
}
