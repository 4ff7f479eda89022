import ArgumentParser
import VPBXControl

/// `vpbx numbering ...`: how the exchange's phones dial public numbers.
struct NumberingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbering",
        abstract: "Show and set how phones dial outside numbers (local area, outside-line prefix).",
        discussion: """
            Without settings phones dial complete numbers: 06 and the area code (06 1 234 5678, \
            06 30 123 4567), +36 or 00 and a country code. With the exchange's area code (1 for \
            Budapest, 62 for Szeged, 96 for Győr) its local numbers are dialled without them, as on \
            a Hungarian landline: 234 5678 in Budapest (7 digits), 423 456 elsewhere (6 digits); a \
            local number is called in full (+3612345678), and an extension with the same digits \
            is rung instead. With an outside-line prefix (0 or 9) a number may be dialled after it \
            (0 06 30 123 4567, 0 234 5678): what follows the prefix is read first, so with 0 as the \
            prefix 0 06 30... is a Hungarian mobile, not 00 63... abroad; numbers dialled without \
            the prefix still go out. The next call uses the new settings.
            """,
        subcommands: [NumberingShowCommand.self, NumberingSetCommand.self], defaultSubcommand: NumberingShowCommand.self
    )

    static func printDetails(_ info: NumberingInfo) {
        let area = info.areaCode.map { code in
            "\(code): local numbers of \(info.localDigits.map(String.init) ?? "?") digits are dialled without 06 \(code)"
        }
        Output.fields([
            ("area code", area ?? "none (numbers need 06 and their area code)"),
            ("outside-line prefix", info.outsidePrefix.map { "\($0) (optional before a number)" } ?? "none"),
        ])
    }
}

/// `vpbx numbering show`.
struct NumberingShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the area code and the outside-line prefix.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(NumberingGet.self, .init()) }
        if global.json { return Output.json(info) }
        NumberingCommand.printDetails(info)
    }
}

/// `vpbx numbering set [--area-code CODE] [--outside-prefix DIGITS]`.
struct NumberingSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set the area code or the outside-line prefix (none clears one).")

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("area-code"),
        help:
            "The exchange's area: 1 (Budapest) or the two digits after 06 of a landline there (62, 96); none: no local numbers."
    )
    var areaCode: String?

    @Option(
        name: .customLong("outside-prefix"),
        help: "1 to 3 digits dialled before an outside number, usually 0 or 9; none: no prefix.")
    var outsidePrefix: String?

    func validate() throws {
        guard areaCode != nil || outsidePrefix != nil else {
            throw ValidationError("nothing to change: give --area-code or --outside-prefix (see --help)")
        }
        for (value, option) in [(areaCode, "--area-code"), (outsidePrefix, "--outside-prefix")]
        where value?.isEmpty == true {
            throw ValidationError("\(option) needs a value; 'none' clears it")
        }
    }

    // The engine checks the values (an area code of the numbering plan, a prefix of digits),
    // so scripts get the same `invalid_argument` whichever client they use.
    func run() async throws {
        let params = NumberingParams(
            areaCode: areaCode.map(Self.cleared), outsidePrefix: outsidePrefix.map(Self.cleared))
        let info = try await EngineSession.run(global) { try await $0.call(NumberingSet.self, params) }
        if global.json { return Output.json(info) }
        NumberingCommand.printDetails(info)
    }

    /// `none` is "" on the wire: the setting cleared.
    private static func cleared(_ value: String) -> String { value.lowercased() == "none" ? "" : value }
}
