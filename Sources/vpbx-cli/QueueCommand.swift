import ArgumentParser
import VPBXControl

/// `vpbx queue ...`: call-center queues.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Manage call-center queues and their members.",
        discussion: """
            Durations are seconds. Strategies: \(QueueStrategy.choices). Empty-queue rules: \(QueueEmptyRule.choices). \
            Values are checked by the engine's call-center core, which names the setting and the allowed range. \
            'stats' shows the live figures; route callers in with 'vpbx route add NUMBER --to queue:NAME'.
            """,
        subcommands: [
            QueueAdd.self, QueueListCommand.self, QueueShow.self, QueueSet.self, QueueRemove.self,
            QueueMemberCommand.self, QueueStatsCommand.self, QueuePickupCommand.self, QueueMoveCommand.self,
        ])

    static func printDetails(_ queue: QueueInfo) {
        func seconds(_ value: Int?, none: String) -> String { value.map { "\($0)s" } ?? none }
        Output.fields([
            ("name", queue.name), ("strategy", queue.strategy.rawValue), ("ring timeout", "\(queue.ringTimeout)s"),
            ("retry delay", "\(queue.retryDelay)s"), ("max wait", seconds(queue.maxWait, none: "none")),
            ("overflow", queue.overflow ?? "default (busy)"),
            ("max length", queue.maxLength.map(String.init) ?? "none"),
            ("join when empty", queue.joinWhenEmpty.rawValue), ("leave when empty", queue.leaveWhenEmpty.rawValue),
            ("service level", "\(queue.serviceLevel)s"), ("short abandon", "\(queue.shortAbandon)s"),
            ("wrap-up", "\(queue.wrapUp)s"), ("announce every", seconds(queue.announceEvery, none: "never")),
            ("exit digit", queue.exitDigit ?? "none"), ("pause on no answer", queue.pauseOnNoAnswer ? "yes" : "no"),
            ("music", queue.music ?? "default"),
            ("recording", queue.recordCalls == true ? "every call an agent answers" : "off (the agents' own setting)"),
        ])
        Output.line("")
        Output.table(
            ["POS", "AGENT", "NAME", "PENALTY"],
            queue.members.map { ["\($0.position)", $0.agent, $0.name, "\($0.penalty)"] })
    }
}

/// Settings shared by `queue add` and `queue set`.
struct QueueSettingsOptions: ParsableArguments {
    @Option(help: "How agents are picked (default ring-all).")
    var strategy: QueueStrategy?
    @Option(name: .customLong("ring-timeout"), help: "Seconds one offer rings an agent (1-600, default 20).")
    var ringTimeout: Int?
    @Option(
        name: .customLong("retry-delay"),
        help: "Seconds an agent rests after a missed or declined offer (0-3600, default 5).")
    var retryDelay: Int?
    @Option(name: .customLong("max-wait"), help: "Longest wait in seconds before --overflow; 0: forever (default).")
    var maxWait: Int?
    @Option(
        help: "Where callers go on max wait, a full or an empty queue, e.g. vm:1001 or queue:other; '': busy (default)."
    )
    var overflow: String?
    @Option(name: .customLong("max-length"), help: "Most callers waiting; 0: no limit (default).")
    var maxLength: Int?
    @Option(
        name: .customLong("join-when-empty"),
        help: "Turn arriving callers away when the queue is empty in this sense (default never).")
    var joinWhenEmpty: QueueEmptyRule?
    @Option(
        name: .customLong("leave-when-empty"),
        help: "Send waiting callers to --overflow when the queue becomes empty in this sense (default never).")
    var leaveWhenEmpty: QueueEmptyRule?
    @Option(
        name: .customLong("service-level"),
        help: "Answered within this many seconds counts toward the service level (default 20).")
    var serviceLevel: Int?
    @Option(
        name: .customLong("short-abandon"),
        help: "Hang-ups before this many seconds are short abandons, left out of the service level (default 5).")
    var shortAbandon: Int?
    @Option(name: .customLong("wrap-up"), help: "After-call work seconds before the next offer (0-3600, default 0).")
    var wrapUp: Int?
    @Option(
        name: .customLong("announce-every"),
        help: "Announce the caller's position every this many seconds (at least 10); 0: never (default).")
    var announceEvery: Int?
    @Option(
        name: .customLong("exit-digit"), help: "Key (0-9, *, #) that takes a caller to --overflow; '': none (default).")
    var exitDigit: String?
    @Flag(
        inversion: .prefixedNo,
        help: "Pause an agent who lets an offer ring out (default: no, they rest for --retry-delay).")
    var pauseOnNoAnswer: Bool?
    @Option(help: "Music-on-hold class callers hear (see 'vpbx moh list'); 'default' or '': the default class.")
    var music: String?
    @Option(help: "on: record every call an agent answers from the queue; off (default): the agents' own --record decides.")
    var record: RecordingSwitch?

    var isEmpty: Bool {
        strategy == nil && ringTimeout == nil && retryDelay == nil && maxWait == nil && overflow == nil
            && maxLength == nil && joinWhenEmpty == nil && leaveWhenEmpty == nil && serviceLevel == nil
            && shortAbandon == nil && wrapUp == nil && announceEvery == nil && exitDigit == nil
            && pauseOnNoAnswer == nil && music == nil && record == nil
    }

    func params(name: String) -> QueueParams {
        QueueParams(
            name: name, strategy: strategy, ringTimeout: ringTimeout, retryDelay: retryDelay, maxWait: maxWait,
            overflow: overflow, maxLength: maxLength, joinWhenEmpty: joinWhenEmpty, leaveWhenEmpty: leaveWhenEmpty,
            serviceLevel: serviceLevel, shortAbandon: shortAbandon, wrapUp: wrapUp, announceEvery: announceEvery,
            exitDigit: exitDigit, pauseOnNoAnswer: pauseOnNoAnswer, music: music, recordCalls: record.map { $0 == .on })
    }
}

/// `vpbx queue add NAME [settings]`.
struct QueueAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a queue.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name (letters, digits, '-', '_', '.'), e.g. sales.") var name: String
    @OptionGroup var settings: QueueSettingsOptions

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(QueueCreate.self, settings.params(name: name))
        }
        if global.json { return Output.json(info) }
        Output.line("created queue \(info.name) (\(info.strategy.rawValue))")
    }
}

/// `vpbx queue set NAME [settings]`: only the given settings change.
struct QueueSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change settings of a queue; settings not given stay as they are.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name.") var name: String
    @OptionGroup var settings: QueueSettingsOptions

    func validate() throws {
        if settings.isEmpty {
            throw ValidationError("nothing to change; e.g. vpbx queue set \(name) --ring-timeout 15")
        }
    }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(QueueUpdate.self, settings.params(name: name))
        }
        if global.json { return Output.json(info) }
        Output.line("updated queue \(info.name)")
    }
}

/// `vpbx queue list`.
struct QueueListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List queues.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(QueueList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "STRATEGY", "MEMBERS", "RING", "MAX WAIT", "OVERFLOW", "SL"],
            list.map { queue in
                [
                    queue.name, queue.strategy.rawValue, queue.members.map(\.agent).joined(separator: " "),
                    "\(queue.ringTimeout)s", queue.maxWait.map { "\($0)s" } ?? "-", queue.overflow ?? "-",
                    "\(queue.serviceLevel)s",
                ]
            })
    }
}

/// `vpbx queue show NAME`.
struct QueueShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a queue's settings and members.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(QueueGet.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        QueueCommand.printDetails(info)
    }
}

/// `vpbx queue remove NAME`.
struct QueueRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete a queue nothing routes or overflows to (its memberships go with it).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(QueueDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("removed queue \(info.name)")
    }
}

/// `vpbx queue member ...`.
struct QueueMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Add agents to a queue or remove them.",
        subcommands: [QueueMemberAddCommand.self, QueueMemberRemoveCommand.self])
}

/// `vpbx queue member add QUEUE AGENT [--penalty N] [--position N]`.
struct QueueMemberAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an agent to a queue, or change a member's penalty or place.",
        discussion: """
            Lower penalties are offered calls first; a higher tier rings only when no agent of a lower one is free. \
            The member order is what the linear and round-robin strategies walk.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name.") var queue: String
    @Argument(help: "Agent number (see vpbx agent list).") var agent: String
    @Option(help: "Skill tier, 0 (best) or more (default 0; a member keeps theirs).") var penalty: Int?
    @Option(help: "Place in the member order, 1 for first (default: last; a member keeps theirs).") var position: Int?

    func validate() throws {
        if let position, position < 1 { throw ValidationError("--position must be 1 (first) or more") }
    }

    func run() async throws {
        let params = QueueMemberAdd.Params(queue: queue, agent: agent, penalty: penalty, position: position)
        let info = try await EngineSession.run(global) { try await $0.call(QueueMemberAdd.self, params) }
        if global.json { return Output.json(info) }
        let member = info.members.first { $0.agent == agent }
        Output.line(
            "agent \(agent) is member \(member?.position ?? 0) of \(info.members.count) in queue \(info.name) "
                + "(penalty \(member?.penalty ?? 0))")
    }
}

/// `vpbx queue member remove QUEUE AGENT`.
struct QueueMemberRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an agent from a queue.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Queue name.") var queue: String
    @Argument(help: "Agent number.") var agent: String

    func run() async throws {
        let params = QueueMemberRemove.Params(queue: queue, agent: agent)
        let info = try await EngineSession.run(global) { try await $0.call(QueueMemberRemove.self, params) }
        if global.json { return Output.json(info) }
        Output.line("removed agent \(agent) from queue \(info.name)")
    }
}
