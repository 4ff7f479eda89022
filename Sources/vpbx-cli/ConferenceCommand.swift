import ArgumentParser
import VPBXControl

/// `vpbx conf ...`: conference rooms and their settings.
struct ConferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conf", abstract: "Manage conference rooms: a PIN callers key in, a participant limit.",
        discussion: """
            A route makes a room: vpbx route add 800 --to conf:team. Without settings the room is open to \
            everyone the route brings; with a PIN callers are asked for it (three tries), with a limit \
            callers beyond it hear that the room is full. A moderator mutes a participant with \
            vpbx conf mute ROOM NUMBER; vpbx call hangup CALL removes one.
            """,
        subcommands: [
            ConferenceAdd.self, ConferenceListCommand.self, ConferenceSet.self, ConferenceRemove.self,
            ConferenceMuteCommand.self, ConferenceUnmuteCommand.self,
        ])

    static func printDetails(_ info: ConferenceInfo) {
        Output.fields([
            ("name", info.name), ("pin", pinText(info)),
            ("limit", info.maximumParticipants.map { "\($0) callers" } ?? "none"),
            ("in it now", info.participants.isEmpty ? "nobody" : who(info)),
        ])
    }

    /// The participants, a muted one marked `(muted)`.
    static func who(_ info: ConferenceInfo) -> String {
        let muted = Set(info.muted ?? [])
        return info.participants.map { muted.contains($0) ? "\($0)(muted)" : $0 }.joined(separator: " ")
    }

    static func pinText(_ info: ConferenceInfo) -> String {
        info.pin ?? (info.hasPIN == true ? "set" : "none")
    }
}

/// Settings shared by `conf add` and `conf set`.
struct ConferenceSettings: ParsableArguments {
    @Option(help: "The PIN callers key in, 4 to 12 digits, followed by # (\"\" clears it in 'set').")
    var pin: String?

    @Option(help: "Callers in the room at once, 2 to 500 (0 clears it in 'set').")
    var max: Int?

    func validate() throws {
        if let pin, !pin.isEmpty, !((4...12).contains(pin.count) && pin.allSatisfy { $0.isASCII && $0.isNumber }) {
            throw ValidationError("--pin must be 4 to 12 digits")
        }
        if let max, max != 0, !(2...500).contains(max) { throw ValidationError("--max must be 2 to 500") }
    }

    func params(name: String) -> ConferenceParams {
        ConferenceParams(name: name, pin: pin, maximumParticipants: max)
    }
}

/// `vpbx conf add NAME [--pin P] [--max N]`.
struct ConferenceAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Give a conference room settings.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name, as in conf:NAME.") var name: String
    @OptionGroup var settings: ConferenceSettings

    func validate() throws {
        guard settings.pin?.isEmpty == false || (settings.max ?? 0) != 0 else {
            throw ValidationError("give the room a --pin or a --max (a room without either needs no settings)")
        }
    }

    func run() async throws {
        let params = settings.params(name: name)
        let info = try await EngineSession.run(global) { try await $0.call(ConferenceCreate.self, params) }
        if global.json { return Output.json(info) }
        ConferenceCommand.printDetails(info)
    }
}

/// `vpbx conf list`.
struct ConferenceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List conference rooms: those with settings and those in use, with who is in each.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let rooms = try await EngineSession.run(global) { try await $0.call(ConferenceList.self, .init()) }
        if global.json { return Output.json(rooms) }
        Output.table(
            ["ROOM", "PIN", "LIMIT", "PARTICIPANTS", "WHO"],
            rooms.map {
                [
                    $0.name, ConferenceCommand.pinText($0), $0.maximumParticipants.map(String.init) ?? "-",
                    String($0.participants.count), ConferenceCommand.who($0),
                ]
            })
    }
}

/// `vpbx conf set NAME ...`.
struct ConferenceSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a conference room's settings.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @OptionGroup var settings: ConferenceSettings

    func validate() throws {
        guard settings.pin != nil || settings.max != nil else {
            throw ValidationError("nothing to change: give --pin or --max (see --help)")
        }
    }

    func run() async throws {
        let params = settings.params(name: name)
        let info = try await EngineSession.run(global) { try await $0.call(ConferenceUpdate.self, params) }
        if global.json { return Output.json(info) }
        ConferenceCommand.printDetails(info)
    }
}

/// `vpbx conf remove NAME`.
struct ConferenceRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a room's settings: it is open again; callers in it stay.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(ConferenceDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("room \(info.name) is open again (no PIN, no limit)")
    }
}

/// `vpbx conf mute ROOM NUMBER`.
struct ConferenceMuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mute",
        abstract: "Mute a participant: nobody in the room hears it; it still hears them (its * unmutes it).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @Argument(help: "The number the participant calls from, as vpbx conf list shows it.") var participant: String

    func run() async throws {
        try await ConferenceMuteCommand.change(global, name: name, participant: participant, muted: true)
    }

    static func change(_ global: GlobalOptions, name: String, participant: String, muted: Bool) async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(ConferenceMute.self, .init(name: name, participant: participant, muted: muted))
        }
        if global.json { return Output.json(info) }
        Output.line("\(participant) in room \(info.name) is \(muted ? "muted" : "heard again")")
    }
}

/// `vpbx conf unmute ROOM NUMBER`.
struct ConferenceUnmuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmute", abstract: "Unmute a participant: the room hears it again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @Argument(help: "The number the participant calls from.") var participant: String

    func run() async throws {
        try await ConferenceMuteCommand.change(global, name: name, participant: participant, muted: false)
    }
}
