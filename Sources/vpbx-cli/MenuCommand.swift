import ArgumentParser
import VPBXControl

/// `vpbx ivr ...`: IVR menus.
struct MenuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivr", abstract: "Manage IVR menus (greeting, key options, timeouts, direct dial).",
        discussion: """
            Options are KEY=DEST with KEY one of 0-9, * or # and DEST ext:NUMBER, time:NAME, ivr:NAME or hangup. \
            A menu plays its greeting, waits --key-timeout seconds for a key, and replays (after the 'invalid' or \
            'no-input' prompt) until --attempts plays; then the call goes to --on-invalid or --on-timeout \
            (hangup says goodbye first).
            """,
        subcommands: [MenuAdd.self, MenuListCommand.self, MenuShow.self, MenuSet.self, MenuRemove.self])

    /// `1=ext:1001` → ("1", "ext:1001").
    static func parseOptions(_ items: [String]) throws -> [String: String] {
        var options: [String: String] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 1, "0123456789*#".contains(parts[0]) else {
                throw ValidationError("--option '\(item)' must be KEY=DEST, e.g. --option 1=ext:1001 (keys 0-9, *, #)")
            }
            options[String(parts[0])] = String(parts[1])
        }
        return options
    }

    static func printDetails(_ menu: MenuInfo) {
        var pairs: [(String, String)] = [
            ("name", menu.name), ("greeting", menu.greeting), ("timeout", "\(menu.timeout)s"),
            ("attempts", "\(menu.attempts)"), ("direct dial", menu.directDial ? "yes" : "no"),
            ("on timeout", menu.onTimeout), ("on invalid", menu.onInvalid),
        ]
        for key in menu.options.keys.sorted() { pairs.append(("key \(key)", menu.options[key] ?? "")) }
        Output.fields(pairs)
    }
}

/// Settings shared by `ivr add` and `ivr set`.
struct MenuSettings: ParsableArguments {
    @Option(name: .customLong("option"), help: "KEY=DEST, repeatable, e.g. --option 1=ext:1001 --option 9=ivr:english.")
    var options: [String] = []
    @Option(name: .customLong("key-timeout"), help: "Seconds to wait for a key after the greeting (1-60, default 5).")
    var timeout: Int?
    @Option(help: "Times the greeting is played before giving up (1-10, default 3).") var attempts: Int?
    @Option(name: .customLong("on-timeout"), help: "Where the call goes when no key is pressed (default hangup).")
    var onTimeout: String?
    @Option(name: .customLong("on-invalid"), help: "Where the call goes after too many wrong keys (default hangup).")
    var onInvalid: String?

    func validate() throws {
        _ = try MenuCommand.parseOptions(options)
        if let timeout, !(1...60).contains(timeout) { throw ValidationError("--key-timeout must be 1 to 60 seconds") }
        if let attempts, !(1...10).contains(attempts) { throw ValidationError("--attempts must be 1 to 10") }
    }
}

/// `vpbx ivr add NAME --greeting PROMPT [settings] [--direct-dial]`.
struct MenuAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a menu.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Menu name, e.g. main.") var name: String
    @Option(help: "Prompt played as the menu, e.g. welcome (see vpbx prompt list).") var greeting: String
    @OptionGroup var settings: MenuSettings
    @Flag(name: .customLong("direct-dial"), help: "Let callers dial extension numbers from the menu.") var directDial =
        false

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let params = MenuParams(
            name: name, greeting: greeting, options: try MenuCommand.parseOptions(settings.options),
            timeout: settings.timeout, attempts: settings.attempts, directDial: directDial,
            onTimeout: settings.onTimeout, onInvalid: settings.onInvalid)
        let info = try await EngineSession.run(global) { try await $0.call(MenuCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created menu \(info.name) with \(info.options.count) option(s)")
    }
}

/// `vpbx ivr list`.
struct MenuListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List menus.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(MenuList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "GREETING", "OPTIONS", "TIMEOUT", "DIRECT"],
            list.map { menu in
                [
                    menu.name, menu.greeting,
                    menu.options.keys.sorted().map { "\($0)=\(menu.options[$0] ?? "")" }.joined(separator: " "),
                    "\(menu.timeout)s x\(menu.attempts) -> \(menu.onTimeout)", menu.directDial ? "yes" : "no",
                ]
            })
    }
}

/// `vpbx ivr show NAME`.
struct MenuShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one menu.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Menu name.") var name: String

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(MenuGet.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        MenuCommand.printDetails(info)
    }
}

/// `vpbx ivr set NAME [...]`.
struct MenuSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a menu; --option adds or replaces keys, --remove-option drops them.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Menu name.") var name: String
    @Option(help: "New greeting prompt.") var greeting: String?
    @OptionGroup var settings: MenuSettings
    @Option(name: .customLong("remove-option"), help: "A key to remove, repeatable.") var removeOptions: [String] = []
    @Flag(exclusivity: .exclusive, help: "Allow or forbid dialling extensions from the menu.") var directDial:
        DirectDialToggle?

    enum DirectDialToggle: String, EnumerableFlag {
        case directDial
        case noDirectDial
    }

    func validate() throws {
        try ScheduleCommand.validateName(name)
        let nothing =
            greeting == nil && settings.options.isEmpty && removeOptions.isEmpty && settings.timeout == nil
            && settings.attempts == nil && settings.onTimeout == nil && settings.onInvalid == nil && directDial == nil
        if nothing { throw ValidationError("nothing to change; e.g. vpbx ivr set \(name) --option 3=ext:1003") }
    }

    func run() async throws {
        let params = MenuParams(
            name: name, greeting: greeting, options: try MenuCommand.parseOptions(settings.options),
            removeOptions: removeOptions, timeout: settings.timeout, attempts: settings.attempts,
            directDial: directDial.map { $0 == .directDial }, onTimeout: settings.onTimeout,
            onInvalid: settings.onInvalid)
        let info = try await EngineSession.run(global) { try await $0.call(MenuUpdate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("updated menu \(info.name)")
    }
}

/// `vpbx ivr remove NAME`.
struct MenuRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete a menu nothing routes to.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Menu name.") var name: String

    func validate() throws { try ScheduleCommand.validateName(name) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(MenuDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("removed menu \(info.name)")
    }
}
