import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx moh ...`: the music a held caller hears.
struct MusicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moh", abstract: "Show, replace and reset the music on hold.",
        discussion: """
            A party that puts a call on hold (re-INVITE sendonly or inactive) makes the engine play music \
            to the other party, in the call's codec (PCMA or PCMU). The built-in music is an 8 s loop \
            composed in code. 'set' uploads your own: a PCM 16-bit WAV at 8, 16, 44.1 or 48 kHz, mono or \
            stereo, at most ten minutes, kept as DATA-DIR/moh/default.wav. Make sure you hold the rights \
            to play it to callers.
            """,
        subcommands: [MusicShowCommand.self, MusicSetCommand.self, MusicResetCommand.self])

    static func describe(_ info: MusicInfo) -> String {
        "music on hold: \(info.source.rawValue), \(PromptCommand.seconds(info.durationMilliseconds)) s loop"
    }
}

/// `vpbx moh show`.
struct MusicShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Where the music on hold comes from (built-in or custom) and its length.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(MusicShow.self, .init()) }
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

    func validate() throws { try WAVUpload.checkReadable(file) }

    func run() async throws {
        let upload = try WAVUpload(path: file)
        let info = try await EngineSession.run(global) {
            try await $0.call(MusicSet.self, .init(wav: upload.base64, fileName: upload.fileName))
        }
        if global.json { return Output.json(info) }
        Output.line(MusicCommand.describe(info))
    }
}

/// `vpbx moh reset`.
struct MusicResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Remove your music on hold; the built-in music plays again.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(MusicReset.self, .init()) }
        if global.json { return Output.json(info) }
        Output.line(MusicCommand.describe(info))
    }
}
