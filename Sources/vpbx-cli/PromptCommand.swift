import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx prompt ...`: the recordings callers hear.
struct PromptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt", abstract: "List, replace and reset the prompts callers hear (hu and en).",
        discussion: """
            Default prompts are generated from prompts/catalog.tsv with espeak-ng. 'set' uploads your own \
            recording: a PCM 16-bit WAV at 8, 16, 44.1 or 48 kHz, mono or stereo, at most two minutes; \
            the engine converts it to 8 kHz mono and keeps it in DATA-DIR/prompts/LANG/NAME.wav. A name \
            outside the catalog adds a prompt of your own (for IVR menus).
            """,
        subcommands: [PromptListCommand.self, PromptSetCommand.self, PromptResetCommand.self])

    static func validateLanguage(_ language: String) throws {
        guard ["hu", "en"].contains(language) else {
            throw ValidationError("--lang '\(language)' has no prompts; use hu or en")
        }
    }

    static func describe(_ info: PromptInfo) -> String {
        "\(info.language)/\(info.name): \(info.source.rawValue), \(seconds(info.durationMilliseconds)) s"
    }

    static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.2f", Double(milliseconds) / 1000)
    }
}

/// `vpbx prompt list [--lang hu|en]`.
struct PromptListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the prompts: language, source (custom, default, missing), length.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this language: hu or en (default: both).") var lang: String?

    func validate() throws {
        if let lang { try PromptCommand.validateLanguage(lang) }
    }

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(PromptList.self, .init(language: lang)) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "LANG", "SOURCE", "SECONDS"],
            list.map { [$0.name, $0.language, $0.source.rawValue, PromptCommand.seconds($0.durationMilliseconds)] })
    }
}

/// `vpbx prompt set NAME --lang hu FILE.wav`.
struct PromptSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Replace a prompt (or add one) with a WAV file.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Prompt name, e.g. welcome (see 'vpbx prompt list').") var name: String
    @Option(help: "Language: hu or en.") var lang = "hu"
    @Argument(help: "PCM 16-bit WAV file (8/16/44.1/48 kHz, mono or stereo).") var file: String

    func validate() throws {
        try PromptCommand.validateLanguage(lang)
        try WAVUpload.checkReadable(file)
    }

    func run() async throws {
        let upload = try WAVUpload(path: file)
        let info = try await EngineSession.run(global) {
            try await $0.call(
                PromptSet.self, .init(name: name, language: lang, wav: upload.base64, fileName: upload.fileName))
        }
        if global.json { return Output.json(info) }
        Output.line(PromptCommand.describe(info))
    }
}

/// `vpbx prompt reset NAME --lang hu`.
struct PromptResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Remove your recording of a prompt; the default plays again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Prompt name.") var name: String
    @Option(help: "Language: hu or en.") var lang = "hu"

    func validate() throws { try PromptCommand.validateLanguage(lang) }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(PromptReset.self, .init(name: name, language: lang))
        }
        if global.json { return Output.json(info) }
        Output.line(PromptCommand.describe(info))
    }
}
