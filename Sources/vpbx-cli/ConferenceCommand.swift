import ArgumentParser
import VPBXControl

/// `vpbx conf ...`: conference rooms and their settings.
struct ConferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conf", abstract: "Manage conference rooms: a PIN callers key in, a participant limit, a leader.",
        discussion: """
            A route makes a room: vpbx route add 800 --to conf:team. Without settings the room is open to \
            everyone the route brings; with a PIN callers are asked for it (three tries), with a limit \
            callers beyond it hear that the room is full. With a leader PIN, whoever keys it leads the room: \
            the leader's 1 mutes the others (or unmutes them all), 2 locks the room (or unlocks it), 3 \
            removes the caller who came in last; the room \
            can wait for its leader (--wait-for-leader on: music until one comes) and end with it \
            (--end-with-leader on). With --record on the room is recorded: one recording of its mix, \
            from its first caller to its last (vpbx rec list --number conf:ROOM). A moderator mutes a \
            participant with vpbx conf mute ROOM NUMBER; vpbx call hangup CALL removes one.
            """,
        subcommands: [
            ConferenceAdd.self, ConferenceListCommand.self, ConferenceSet.self, ConferenceRemove.self,
            ConferenceMuteCommand.self, ConferenceUnmuteCommand.self, ConferenceLockCommand.self,
            ConferenceUnlockCommand.self,
        ])

    static func printDetails(_ info: ConferenceInfo) {
        Output.fields([
            ("name", info.name), ("pin", pinText(info)),
            ("limit", info.maximumParticipants.map { "\($0) callers" } ?? "none"),
            ("leader", leaderText(info)),
            ("recorded", info.recordCalls == true ? "the room's mix, one recording a meeting" : "no"),
            ("in it now", info.participants.isEmpty ? "nobody" : who(info) + (info.locked == true ? " (locked)" : "")),
        ])
    }

    /// The participants, each marked `(leader)`, `(waiting)` or `(muted)` as it is.
    static func who(_ info: ConferenceInfo) -> String {
        let muted = Set(info.muted ?? [])
        let leaders = Set(info.leaders ?? [])
        let waiting = Set(info.waiting ?? [])
        return info.participants.map { number in
            number + (leaders.contains(number) ? "(leader)" : "") + (waiting.contains(number) ? "(waiting)" : "")
                + (muted.contains(number) ? "(muted)" : "")
        }.joined(separator: " ")
    }

    /// "none", or the leader PIN (or "set") and what the room does about its leader.
    static func leaderText(_ info: ConferenceInfo) -> String {
        guard let pin = info.leaderPIN ?? (info.hasLeaderPIN == true ? "set" : nil) else { return "none" }
        let rules = [
            info.waitForLeader == true ? "callers wait for the leader" : nil,
            info.endWithLeader == true ? "ends when the last leader leaves" : nil,
        ].compactMap { $0 }
        return "PIN \(pin)" + (rules.isEmpty ? "" : "; " + rules.joined(separator: ", "))
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

    @Option(
        name: .customLong("leader-pin"),
        help:
            "A PIN, 4 to 12 digits, that makes the caller keying it the room's leader (\"\" clears it in 'set'). Without --pin, others press # alone."
    )
    var leaderPIN: String?

    @Option(
        name: .customLong("wait-for-leader"),
        help:
            "Callers wait with music, unheard, until a leader is in the room: on or off (default off; needs a leader PIN)."
    )
    var waitForLeader: TrunkSwitch?

    @Option(
        name: .customLong("end-with-leader"),
        help:
            "When the last leader leaves, the others hear that the conference ended and are hung up: on or off (default off)."
    )
    var endWithLeader: TrunkSwitch?

    @Option(
        help:
            "Record the room: one recording of its mix from its first caller to its last: on or off (default off; needs vpbx-engine's recording on)."
    )
    var record: TrunkSwitch?

    /// Whether any option was given.
    var changesSomething: Bool {
        pin != nil || max != nil || leaderPIN != nil || waitForLeader != nil || endWithLeader != nil || record != nil
    }

    func validate() throws {
        for (value, option) in [(pin, "--pin"), (leaderPIN, "--leader-pin")] {
            guard let value, !value.isEmpty else { continue }
            guard (4...12).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ValidationError("\(option) must be 4 to 12 digits")
            }
        }
        if let max, max != 0, !(2...500).contains(max) { throw ValidationError("--max must be 2 to 500") }
    }

    func params(name: String) -> ConferenceParams {
        ConferenceParams(
            name: name, pin: pin, maximumParticipants: max, leaderPIN: leaderPIN, waitForLeader: waitForLeader?.isOn,
            endWithLeader: endWithLeader?.isOn, recordCalls: record?.isOn)
    }
}

/// `vpbx conf add NAME [--pin P] [--max N]`.
struct ConferenceAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Give a conference room settings.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name, as in conf:NAME.") var name: String
    @OptionGroup var settings: ConferenceSettings

    func validate() throws {
        guard
            settings.pin?.isEmpty == false || (settings.max ?? 0) != 0 || settings.leaderPIN?.isEmpty == false
                || settings.record?.isOn == true
        else {
            throw ValidationError(
                "give the room a --pin, a --max, a --leader-pin or --record on (a room without any needs no settings)")
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
        commandName: "list",
        abstract: "List conference rooms: those with settings and those in use, with who is in each.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let rooms = try await EngineSession.run(global) { try await $0.call(ConferenceList.self, .init()) }
        if global.json { return Output.json(rooms) }
        Output.table(
            ["ROOM", "PIN", "LIMIT", "LEADER", "RECORDED", "PARTICIPANTS", "WHO"],
            rooms.map {
                [
                    $0.name, ConferenceCommand.pinText($0), $0.maximumParticipants.map(String.init) ?? "-",
                    $0.hasLeaderPIN == true ? ($0.locked == true ? "pin, locked" : "pin") : "-",
                    $0.recordCalls == true ? "yes" : "-", String($0.participants.count), ConferenceCommand.who($0),
                ]
            })
    }
}

/// `vpbx conf set NAME ...`.
struct ConferenceSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a conference room's settings.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @OptionGroup var settings: ConferenceSettings

    func validate() throws {
        guard settings.changesSomething else {
            throw ValidationError(
                "nothing to change: give --pin, --max, --leader-pin, --wait-for-leader or --end-with-leader (see --help)"
            )
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
        abstract:
            "Mute a participant, or with --all everyone but the leaders: nobody in the room hears them; they still hear it (their * unmutes them)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @Argument(help: "The number the participant calls from, as vpbx conf list shows it.") var participant: String?
    @Flag(name: .customLong("all"), help: "Every participant who is no leader (as a leader's 1 does).") var everyone =
        false

    func validate() throws { try Self.checkWho(participant, everyone: everyone) }

    func run() async throws {
        try await ConferenceMuteCommand.change(global, name: name, participant: participant, muted: true)
    }

    static func checkWho(_ participant: String?, everyone: Bool) throws {
        if (participant == nil) != everyone {
            throw ValidationError("give the participant's number or --all (everyone but the leaders), one of them")
        }
    }

    static func change(_ global: GlobalOptions, name: String, participant: String?, muted: Bool) async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(
                ConferenceMute.self,
                .init(name: name, participant: participant, muted: muted, everyone: participant == nil ? true : nil))
        }
        if global.json { return Output.json(info) }
        let who = participant ?? "everyone but the leaders"
        Output.line(
            "\(who) in room \(info.name) \(participant == nil ? "are" : "is") \(muted ? "muted" : "heard again")")
    }
}

/// `vpbx conf unmute ROOM NUMBER`.
struct ConferenceUnmuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmute",
        abstract: "Unmute a participant, or with --all everyone but the leaders: the room hears them again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String
    @Argument(help: "The number the participant calls from.") var participant: String?
    @Flag(name: .customLong("all"), help: "Every participant who is no leader.") var everyone = false

    func validate() throws { try ConferenceMuteCommand.checkWho(participant, everyone: everyone) }

    func run() async throws {
        try await ConferenceMuteCommand.change(global, name: name, participant: participant, muted: false)
    }
}

/// `vpbx conf lock ROOM` and `vpbx conf unlock ROOM`.
struct ConferenceLockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Lock a room in use: callers who are no leaders are told it is locked and hung up.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String

    func run() async throws { try await Self.change(global, name: name, locked: true) }

    static func change(_ global: GlobalOptions, name: String, locked: Bool) async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(ConferenceLock.self, .init(name: name, locked: locked))
        }
        if global.json { return Output.json(info) }
        Output.line("room \(info.name) is \(locked ? "locked" : "open to callers again")")
    }
}

/// `vpbx conf unlock ROOM`.
struct ConferenceUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock", abstract: "Unlock a room: callers come in again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The room's name.") var name: String

    func run() async throws { try await ConferenceLockCommand.change(global, name: name, locked: false) }
}
