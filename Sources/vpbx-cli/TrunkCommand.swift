import ArgumentParser
import VPBXControl
import VPBXText

/// `vpbx trunk ...`: SIP trunks to and from the public network.
struct TrunkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trunk", abstract: "Manage SIP trunks (calls to and from the public network).",
        discussion: """
            Calls from a trunk's address are taken without a challenge and go where a route of the number \
            they were sent to says (vpbx route add +3612345600 --to ivr:main), else to the trunk's --inbound \
            destination. Extensions reach public numbers (06..., +36..., 00..., 112) through the trunks \
            of their outbound route (vpbx outroute), else through the outbound trunk of the lowest --priority.
            """,
        subcommands: [TrunkAdd.self, TrunkListCommand.self, TrunkShow.self, TrunkSet.self, TrunkRemove.self])

    static func printDetails(_ info: TrunkInfo) {
        Output.fields([
            ("name", info.name), ("server", TrunkCommand.server(of: info)),
            ("servers now", info.servers.map { $0.isEmpty ? "none yet (resolving)" : $0.joined(separator: ", ") } ?? "-"),
            ("username", info.username ?? "-"), ("password", info.hasPassword ? "set" : "-"),
            ("caller ID", info.callerID ?? "-"), ("number format", info.numberFormat),
            ("inbound", info.inbound ?? "refused (404) unless a route matches"),
            ("outbound", info.outbound ? "yes, priority \(info.priority)" : "no"),
            ("register", TrunkCommand.registration(of: info)),
            ("checks", TrunkCommand.checks(of: info)),
            ("outside callers sent out", info.passCallerID == true ? "shown by their own number" : "shown by your number"),
            ("SRTP offered", ExtensionCommand.srtpText(info.srtp)),
        ])
    }
}

extension TrunkCommand {
    /// "no", or the interval and what the last check found.
    static func checks(of info: TrunkInfo) -> String {
        guard let seconds = info.qualifySeconds, seconds > 0 else { return "no" }
        let state = info.reachability == "reachable" ? "reachable" + (info.roundTripMs.map { " (\($0) ms)" } ?? "")
            : info.reachability == "unreachable" ? "UNREACHABLE (tried after the other trunks)" : (info.reachability ?? "unknown")
        return "every \(seconds) s: \(state)"
    }

    /// Where the trunk is configured to be: `udp:sip.provider.hu:5060`, or its SRV name.
    static func server(of info: TrunkInfo) -> String {
        guard info.srv == true else { return "\(info.transport):\(info.host):\(info.port)" }
        return "\(info.transport): \(info.srvName ?? info.host) (DNS SRV; without records \(info.host):\(info.port))"
    }

    /// "no", or the registration's state with its expiry or error.
    static func registration(of info: TrunkInfo) -> String {
        guard info.register else { return "no" }
        switch info.registration {
        case "registered": return "registered until \(info.registeredUntil.map(Output.date) ?? "?")"
        case "failed": return "failed: \(info.registrationError ?? "?") (retried every 30 s)"
        default: return info.registration ?? "registering"
        }
    }
}

/// Settings shared by `trunk add` and `trunk set`.
struct TrunkSettings: ParsableArguments {
    @Option(help: ArgumentHelp("The provider's SIP server, with its port if not 5060 (5061 over TLS). A host name without a port is looked up as a SIP URI's is (RFC 3263): its SRV records (_sip._udp.HOST, _sip._tcp.HOST, _sips._tcp.HOST over TLS) name the servers, tried in their order; without records, HOST itself.", valueName: "HOST[:PORT]"))
    var host: String?

    @Option(help: "Find the servers by the host's SRV records: on or off (default: on for a host name given without a port, off with a port or an IP address).")
    var srv: TrunkSwitch?

    @Option(help: "udp (default), tcp or tls (the provider's certificate is checked against the system's CAs, or vpbx-engine --tls-ca-file, for HOST).")
    var transport: TrunkTransport?

    @Option(help: "The account name the provider's challenges are answered with (\"\" clears it in 'set').")
    var username: String?

    @Option(help: "The account's password (\"\" clears it in 'set'); stored readable, see vpbx(1).")
    var password: String?

    @Option(
        name: .customLong("caller-id"),
        help: "The number outgoing calls show, e.g. '06 1 234 5600' or +3612345600 (\"\" clears it in 'set').")
    var callerID: String?

    @Option(name: .customLong("number-format"), help: "How the provider wants numbers: e164 (+3612345678, default), digits (3612345678) or national (0612345678).")
    var numberFormat: TrunkNumberFormat?

    @Option(help: "Where calls from the trunk to a number without a route go: ext:N, ivr:NAME, queue:NAME, time:NAME... (\"\" clears it in 'set').")
    var inbound: String?

    @Option(help: "Use the trunk for outgoing calls: on (default) or off.")
    var outbound: TrunkSwitch?

    @Option(help: "Order among outbound trunks for numbers no outbound route matches, 1 to 99: the lowest is tried first (default 1).")
    var priority: Int?

    @Option(help: "Register the username at the provider: on or off (default off; needs --username).")
    var register: TrunkSwitch?

    @Option(help: "Check the provider's server with OPTIONS every this many seconds, 10 to 3600; 0: no checks (default). An unreachable trunk is tried last.")
    var qualify: Int?

    @Option(
        name: .customLong("pass-caller-id"),
        help: "A caller from outside whom the exchange sends out again (forwarded, to a mobile) shows their own number: on, or off (default: your number; most providers refuse numbers not theirs).")
    var passCallerID: TrunkSwitch?

    @Option(
        help: ArgumentHelp(
            "Whether calls out offer the provider SRTP (SDES keys; use it over --transport tls, which hides the keys): off (default), optional (RTP/AVP with the engine's key) or mandatory (RTP/SAVP). Calls from a provider that offers keys are answered with the engine's whatever this says.",
            valueName: "off|optional|mandatory"))
    var srtp: SRTPOffer?

    /// The host and port of `--host`, or nil when not given.
    func server() throws -> (host: String, port: Int?)? {
        guard let host else { return nil }
        // An IPv6 address is written in brackets when a port follows: [2001:db8::1]:5070.
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let address = String(host[host.index(after: host.startIndex)..<close])
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw ValidationError("--host '\(host)' is not HOST[:PORT]") }
            return (address, rest.isEmpty ? nil : try Self.port(String(rest.dropFirst()), of: host))
        }
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 { return (String(parts[0]), try Self.port(String(parts[1]), of: host)) }
        return (host, nil)
    }

    private static func port(_ text: String, of host: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ValidationError("--host '\(host)': the port must be 1 to 65535")
        }
        return port
    }

    func validate() throws {
        if let host, host.isEmpty { throw ValidationError("--host must name the provider's server") }
        _ = try server()
        if let callerID, !callerID.isEmpty, HungarianNumber.normalize(callerID) == nil {
            throw ValidationError("--caller-id '\(callerID)' is not a phone number; type it like '06 1 234 5600' or '+3612345600'")
        }
        if let priority, !(1...99).contains(priority) { throw ValidationError("--priority must be 1 to 99") }
        if let qualify, qualify != 0, !(10...3600).contains(qualify) { throw ValidationError("--qualify must be 0 or 10 to 3600 seconds") }
    }

    func params(name: String) throws -> TrunkParams {
        let server = try server()
        return TrunkParams(
            name: name, host: server?.host, port: server?.port, transport: transport?.rawValue,
            username: username, password: password, callerID: callerID, numberFormat: numberFormat?.rawValue,
            inbound: inbound, outbound: outbound?.isOn, priority: priority, register: register?.isOn, qualifySeconds: qualify,
            passCallerID: passCallerID?.isOn, srtp: srtp, srv: srv?.isOn)
    }
}

/// `vpbx trunk add NAME --host HOST ...`.
struct TrunkAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a trunk.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The trunk's name, e.g. telekom.") var name: String
    @OptionGroup var settings: TrunkSettings

    func validate() throws {
        guard settings.host != nil else { throw ValidationError("a trunk needs --host, e.g. --host sip.provider.hu") }
    }

    func run() async throws {
        let params = try settings.params(name: name)
        let info = try await EngineSession.run(global) { try await $0.call(TrunkCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("added trunk \(info.name) (\(info.transport):\(info.host):\(info.port))")
    }
}

/// `vpbx trunk list`.
struct TrunkListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List trunks.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(TrunkList.self, .init()) }
        if global.json { return Output.json(list) }
        Output.table(
            ["NAME", "SERVER", "USERNAME", "CALLER ID", "OUTBOUND", "INBOUND", "REGISTRATION", "CHECK"],
            list.map {
                [
                    $0.name, $0.srv == true ? "\($0.transport):\($0.host) (SRV)" : "\($0.transport):\($0.host):\($0.port)",
                    $0.username ?? "-", $0.callerID ?? "-",
                    $0.outbound ? "priority \($0.priority)" : "no", $0.inbound ?? "-", $0.registration ?? "-",
                    $0.reachability ?? "-",
                ]
            })
    }
}

/// `vpbx trunk show NAME`.
struct TrunkShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one trunk.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The trunk's name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(TrunkGet.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        TrunkCommand.printDetails(info)
    }
}

/// `vpbx trunk set NAME ...`.
struct TrunkSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a trunk's settings.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The trunk's name.") var name: String
    @OptionGroup var settings: TrunkSettings

    func validate() throws {
        let given = [settings.host, settings.username, settings.password, settings.callerID, settings.inbound]
        guard given.contains(where: { $0 != nil }) || settings.transport != nil || settings.numberFormat != nil
            || settings.outbound != nil || settings.priority != nil || settings.register != nil || settings.qualify != nil
            || settings.passCallerID != nil || settings.srtp != nil || settings.srv != nil
        else { throw ValidationError("nothing to change: give at least one option (see --help)") }
    }

    func run() async throws {
        let params = try settings.params(name: name)
        let info = try await EngineSession.run(global) { try await $0.call(TrunkUpdate.self, params) }
        if global.json { return Output.json(info) }
        TrunkCommand.printDetails(info)
    }
}

/// `vpbx trunk remove NAME`.
struct TrunkRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a trunk.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The trunk's name.") var name: String

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(TrunkDelete.self, .init(name: name)) }
        if global.json { return Output.json(info) }
        Output.line("removed trunk \(info.name)")
    }
}
