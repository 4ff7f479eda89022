import ArgumentParser
import VPBXControl

/// `vpbx ban ...`: sources the engine banned for repeated authentication failures.
struct BanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban", abstract: "List or lift bans of sources that kept failing authentication.",
        discussion: """
            The engine drops new requests from a source that failed authentication too often \
            (vpbx-engine --auth-fail-limit, --auth-ban-time); calls already up go on. Bans live \
            in the engine's memory and end with it.
            """,
        subcommands: [BanListCommand.self, BanRemove.self])
}

/// `vpbx ban list`.
struct BanListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List banned sources.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(BanList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["SOURCE", "FAILURES", "BANNED", "UNTIL"],
            list.map { [$0.source, "\($0.failures)", Output.date($0.bannedAt), Output.date($0.until)] })
    }
}

/// `vpbx ban remove SOURCE`.
struct BanRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Lift a source's ban now.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The banned source's IP address, as 'vpbx ban list' shows it.") var source: String

    func validate() throws {
        guard !source.isEmpty, source.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
            throw ValidationError("'\(source)' is not an IP address")
        }
    }

    func run() async throws {
        let result = try await EngineSession.run(global) { try await $0.call(BanDelete.self, .init(source: source)) }
        if global.json { return Output.json(result) }
        Output.line("lifted the ban on \(source)")
    }
}
