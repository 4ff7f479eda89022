import ArgumentParser
import VPBXControl

/// `vpbx outroute ...`: which trunks carry which numbers, for whom (least-cost routing).
struct OutboundRouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outroute", abstract: "Manage outbound routes (which trunks carry calls to which numbers).",
        discussion: """
            A call out takes a route naming its extension (--caller) before any route for everyone, and of \
            those the one whose prefix matches the most of the number, then one following a schedule (--open or \
            --closed, while it holds) before one that always holds. Its trunks are tried in the order given, \
            and no other trunk stands in. A number no route matches goes \
            through every outbound trunk by --priority (vpbx trunk). The + prefix matches every number but the \
            emergency ones (112, 104, 105, 107), which only a route with their own prefix takes. \
            Example: vpbx outroute add mobiles --prefix '06 20' --prefix '06 30' --prefix '06 70' --trunk mobilgw \
            --trunk telekom. After hours through a cheaper provider, showing the main number: vpbx outroute add \
            night --prefix + --trunk cheap --closed office --caller-id '06 1 234 5600'
            """,
        subcommands: [
            OutboundRouteAdd.self, OutboundRouteListCommand.self, OutboundRouteShow.self, OutboundRouteSet.self,
            OutboundRouteRemove.self, OutboundRouteTestCommand.self,
        ])

    static func printDetails(_ info: OutboundRouteInfo) {
        Output.fields([
            ("name", info.name), ("prefixes", info.prefixes.joined(separator: " ")),
            ("trunks", info.trunks.joined(separator: ", then ")), ("callers", callers(of: info)),
            ("holds", info.schedule.map { "while schedule \($0) is \(info.scheduleState ?? "open")" } ?? "always"),
            ("caller ID", callerIDText(of: info)), ("prepend", info.prepend ?? "-"),
        ])
    }

    /// The route's number, and whether extensions' own numbers still win over it.
    static func callerIDText(of info: OutboundRouteInfo) -> String {
        guard let number = info.callerID else { return "the trunk's" }
        return number + (info.overridesExtensionCallerID == true
            ? " (for every caller, extensions' own numbers too)" : " (extensions with a number of their own show theirs)")
    }

    static func callers(of info: OutboundRouteInfo) -> String {
        info.callers.isEmpty ? "every extension" : info.callers.joined(separator: " ")
    }
}

/// The lists shared by `outroute add` and `outroute set`; each option repeats or takes a
/// comma-separated list.
struct OutboundRouteSettings: ParsableArguments {
    @Option(
        name: .customLong("prefix"),
        help: ArgumentHelp(
            "The start of numbers the route carries, as dialled ('06 30', '00 49', '+36 1') or + for every number; repeat it for several.",
            valueName: "PREFIX"))
    var prefixes: [String] = []

    @Option(
        name: .customLong("trunk"),
        help: ArgumentHelp("A trunk the route uses; repeat it in the order they are tried.", valueName: "NAME"))
    var trunks: [String] = []

    @Option(
        name: .customLong("caller"),
        help: ArgumentHelp(
            "An extension (1001) or range (2000-2099) whose calls take the route; repeat it for several (default: every extension).",
            valueName: "EXT"))
    var callers: [String] = []

    @Option(
        name: .customLong("open"),
        help: ArgumentHelp("Hold only while this schedule is open (vpbx schedule).", valueName: "SCHEDULE"))
    var openSchedule: String?

    @Option(
        name: .customLong("closed"),
        help: ArgumentHelp("Hold only while this schedule is closed: after hours, holidays.", valueName: "SCHEDULE"))
    var closedSchedule: String?

    @Option(
        name: .customLong("caller-id"),
        help: "The number its calls show instead of the trunk's, e.g. '06 1 234 5600' (an extension's own DID still wins; \"\" clears it in 'set').")
    var callerID: String?

    @Option(
        help: "Digits, * or # put before the number as each trunk writes it, e.g. a carrier code (\"\" clears it in 'set').")
    var prepend: String?

    @Option(
        name: .customLong("override-extension-cid"),
        help: "Show --caller-id even on calls of extensions with a number of their own (FreePBX's Override Extension): on or off (default off).")
    var overrideExtensionCID: TrunkSwitch?

    /// The schedule and the state the route holds in, as given.
    var schedule: (name: String, state: String)? {
        openSchedule.map { ($0, "open") } ?? closedSchedule.map { ($0, "closed") }
    }

    /// Checks shared by `add` and `set`, before the engine is asked.
    func validate() throws {
        guard openSchedule == nil || closedSchedule == nil else {
            throw ValidationError("give --open or --closed, not both: a route follows one schedule")
        }
        let dialKey = { (character: Character) in character.isASCII && (character.isNumber || "*#".contains(character)) }
        if let prepend, prepend.count > 10 || !prepend.allSatisfy(dialKey) {
            throw ValidationError("--prepend '\(prepend)' is invalid: up to 10 digits, * or #, e.g. 1088")
        }
    }

    /// Each value split at commas, spaces inside kept (`06 30`).
    static func list(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

/// `vpbx outroute add NAME --prefix P --trunk T [--caller EXT]`.
struct OutboundRouteAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an outbound route.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The route's name, e.g. mobiles.") var name: String
    @OptionGroup var settings: OutboundRouteSettings

    func validate() throws {
        try settings.validate()
        guard !OutboundRouteSettings.list(settings.prefixes).isEmpty else {
            throw ValidationError("a route needs --prefix, e.g. --prefix '06 30' (or + for every number)")
        }
        guard !OutboundRouteSettings.list(settings.trunks).isEmpty else {
            throw ValidationError("a route needs --trunk, e.g. --trunk telekom")
        }
    }

    func run() async throws {
        let params = OutboundRouteParams(
            name: name, prefixes: OutboundRouteSettings.list(settings.prefixes),
            trunks: OutboundRouteSettings.list(settings.trunks), callers: OutboundRouteSettings.list(settings.callers),
            schedule: settings.schedule?.name, scheduleState: settings.schedule?.state, callerID: settings.callerID,
            prepend: settings.prepend, overridesExtensionCallerID: settings.overrideExtensionCID?.isOn)
        let info = try await EngineSession.run(global) { try await $0.call(OutboundRouteCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("added outbound route \(info.name): \(info.prefixes.joined(separator: " ")) through \(info.trunks.joined(separator: ", "))")
    }
}

/// `vpbx outroute list`.
struct OutboundRouteListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List outbound routes.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(OutboundRouteList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "PREFIXES", "TRUNKS", "CALLERS", "HOLDS"],
            list.map { route in
                [
                    route.name, route.prefixes.joined(separator: " "), route.trunks.joined(separator: ","),
                    OutboundRouteCommand.callers(of: route),
                    route.schedule.map { "\($0) \(route.scheduleState ?? "open")" } ?? "always",
                ]
            })
    }
}

/// `vpbx outroute show NAME`.
struct OutboundRouteShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one outbound route.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The route's name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(OutboundRouteGet.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        OutboundRouteCommand.printDetails(info)
    }
}

/// `vpbx outroute set NAME ...`: a list given replaces the route's.
struct OutboundRouteSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change an outbound route: each list given replaces the route's.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The route's name.") var name: String
    @OptionGroup var settings: OutboundRouteSettings

    @Flag(name: .customLong("every-caller"), help: "Make the route every extension's (clears its --caller list).")
    var everyCaller = false

    @Flag(name: .customLong("any-time"), help: "Make the route hold at all hours (clears --open or --closed).")
    var anyTime = false

    func validate() throws {
        try settings.validate()
        guard !everyCaller || settings.callers.isEmpty else {
            throw ValidationError("give --caller or --every-caller, not both")
        }
        guard !anyTime || settings.schedule == nil else {
            throw ValidationError("give --open, --closed or --any-time, one of them")
        }
        let changes: [Bool] = [
            !settings.prefixes.isEmpty, !settings.trunks.isEmpty, !settings.callers.isEmpty, everyCaller, anyTime,
            settings.schedule != nil, settings.callerID != nil, settings.prepend != nil,
            settings.overrideExtensionCID != nil,
        ]
        guard changes.contains(true) else {
            throw ValidationError(
                "nothing to change: give --prefix, --trunk, --caller, --every-caller, --open, --closed, --any-time, --caller-id, --prepend or --override-extension-cid (see --help)")
        }
    }

    func run() async throws {
        let given = { (values: [String]) in values.isEmpty ? nil : OutboundRouteSettings.list(values) }
        let params = OutboundRouteParams(
            name: name, prefixes: given(settings.prefixes), trunks: given(settings.trunks),
            callers: everyCaller ? [] : given(settings.callers), schedule: anyTime ? "" : settings.schedule?.name,
            scheduleState: settings.schedule?.state, callerID: settings.callerID, prepend: settings.prepend,
            overridesExtensionCallerID: settings.overrideExtensionCID?.isOn)
        let info = try await EngineSession.run(global) { try await $0.call(OutboundRouteUpdate.self, params) }
        if global.json { return Output.json(info) }
        OutboundRouteCommand.printDetails(info)
    }
}

/// `vpbx outroute remove NAME`.
struct OutboundRouteRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an outbound route.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The route's name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(OutboundRouteDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("removed outbound route \(info.name)")
    }
}

/// `vpbx outroute test NUMBER [--caller EXT]`: what a call would do, before anyone dials.
struct OutboundRouteTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Show which route and trunks a call to a number would take now.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A number as dialled: '06 30 123 4567', +49..., 112.") var number: String
    @Option(help: ArgumentHelp("The calling extension (routes for named callers apply to it).", valueName: "EXT"))
    var caller: String?

    func run() async throws {
        let result = try await EngineSession.run(global) {
            try await $0.call(OutboundRouteTest.self, .init(number: number, caller: caller))
        }
        if global.json { return Output.json(result) }
        Output.fields([
            ("number", "\(result.number) (\(result.reach))"),
            ("route", result.route ?? "none matches: every outbound trunk by priority"),
            (
                "trunks",
                result.attempts.isEmpty
                    ? "none usable: the call would get 503"
                    : result.attempts.map { "\($0.trunk) (sends \($0.dialled), shows \($0.shown))" }.joined(separator: ", then ")
            ),
        ])
    }
}
