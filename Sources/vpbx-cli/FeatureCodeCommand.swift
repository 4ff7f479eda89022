import ArgumentParser
import VPBXControl

/// `vpbx featurecode ...`: the codes phones dial for features (`*97`, `*98`).
struct FeatureCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "featurecode", abstract: "List and change the codes phones dial for features (*97, *98, ...).",
        discussion: """
            Features: voicemail-own (default *97: your own mailbox, no PIN from your own phone), \
            voicemail-any (default *98: any mailbox, asks for its number and PIN) and agent-login \
            (default *45: an agent logs in at this phone with number and PIN, or out). A code is * or # \
            followed by 1 to 6 digits, not used by another feature, an extension or a route. Quote it \
            in the shell: vpbx featurecode set voicemail-own '*55'. The next call uses the new code.
            """,
        subcommands: [FeatureCodeListCommand.self, FeatureCodeSetCommand.self, FeatureCodeResetCommand.self])

    static func describe(_ info: FeatureCodeInfo) -> String {
        info.custom
            ? "\(info.name) is dialled with \(info.code) (default \(info.defaultCode))"
            : "\(info.name) is dialled with \(info.code) (the default)"
    }
}

/// `vpbx featurecode list`.
struct FeatureCodeListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the features with their code, default code and what they do.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(FeatureCodeList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "CODE", "DEFAULT", "CUSTOM", "WHAT IT DOES"],
            list.map { [$0.name, $0.code, $0.defaultCode, $0.custom ? "yes" : "no", $0.summary] })
    }
}

/// `vpbx featurecode set NAME CODE`.
struct FeatureCodeSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change the code that dials a feature.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Feature name, e.g. voicemail-own (see 'vpbx featurecode list').") var name: String
    @Argument(help: "The new code: * or # followed by 1 to 6 digits, e.g. '*55' (quoted in the shell).")
    var code: String

    // The engine checks the code (the rule, and that no feature, extension or route has it),
    // so scripts get the same `invalid_argument` or `conflict` whichever client they use.
    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(FeatureCodeSet.self, .init(name: name, code: code))
        }
        if global.json { return Output.json(info) }
        Output.line(FeatureCodeCommand.describe(info))
    }
}

/// `vpbx featurecode reset NAME`.
struct FeatureCodeResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Give a feature its default code again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Feature name, e.g. voicemail-own.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(FeatureCodeReset.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line(FeatureCodeCommand.describe(info))
    }
}
