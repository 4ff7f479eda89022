import Foundation
import VPBXControl

/// One engine for one test, with its scratch directory, CLI and sipp peers. `run` always
/// stops the engine and every sipp it started; when the test body throws, the error is
/// rethrown with the end of the engine log and the scratch directory is kept for a look.
final class TestPBX {
    let scratch: ScratchDirectory
    private(set) var options: EngineOptions
    let cli: VPBXCommand
    private(set) var engine: EngineProcess
    private var generation = 1
    private var sipps: [SippProcess] = []
    private var softphones: [BaresipPhone] = []
    private var terminators: [TLSTerminator] = []
    private var dnsServers: [TestDNSServer] = []

    /// Starts an engine with the default options, runs `body`, cleans up.
    static func run<T>(_ body: (TestPBX) async throws -> T) async throws -> T {
        try await run(trusted: [], body)
    }

    /// Starts an engine that does not challenge requests from `trusted` networks.
    static func run<T>(trusted: [String], _ body: (TestPBX) async throws -> T) async throws -> T {
        try await run(configure: { $0.trusted = trusted }, body)
    }

    /// Starts an engine with options changed by `configure`.
    static func run<T>(
        configure: (inout EngineOptions) throws -> Void, _ body: (TestPBX) async throws -> T
    ) async throws -> T {
        let scratch = try ScratchDirectory()
        var options = try EngineOptions(scratch: scratch)
        try configure(&options)
        let cli = try VPBXCommand(socket: options.socket, scratch: scratch)
        let engine: EngineProcess
        do {
            engine = try await EngineProcess.start(options, scratch: scratch, cli: cli)
        } catch {
            throw HarnessError("\(error)\n(scratch directory kept: \(scratch.path))")
        }
        let pbx = TestPBX(scratch: scratch, options: options, cli: cli, engine: engine)
        do {
            let result = try await body(pbx)
            await pbx.shutdown()
            scratch.remove()
            return result
        } catch {
            await pbx.shutdown()
            throw HarnessError("\(error)\n\(pbx.engine.logTail())\n(scratch directory kept: \(scratch.path))")
        }
    }

    private init(scratch: ScratchDirectory, options: EngineOptions, cli: VPBXCommand, engine: EngineProcess) {
        self.scratch = scratch
        self.options = options
        self.cli = cli
        self.engine = engine
    }

    private func shutdown() async {
        for sipp in sipps { await sipp.kill() }
        for phone in softphones { await phone.stop() }
        for terminator in terminators { await terminator.stop() }
        for server in dnsServers { await server.stop() }
        await engine.stop()
    }

    // MARK: Engine

    /// Stops the engine with SIGTERM (requiring a clean exit) and starts it again on the
    /// same data dir and ports.
    /// Stops the engine cleanly and starts it again with `reconfigure`'s changes to its
    /// options (an operator restarting it with other command-line options).
    func restart(reconfigure: (inout EngineOptions) -> Void) async throws {
        reconfigure(&options)
        try await restart()
    }

    func restart() async throws {
        let status = await engine.stop()
        guard status == 0 else {
            throw HarnessError("vpbx-engine exited with status \(status) after SIGTERM; expected 0 (clean shutdown)")
        }
        generation += 1
        engine = try await EngineProcess.start(options, scratch: scratch, cli: cli, generation: generation)
    }

    /// Kills the engine with SIGKILL (a crash) and starts it again on the same data dir and
    /// ports: what it had accepted must be there after the restart.
    func crashAndRestart() async throws {
        await engine.crash()
        generation += 1
        engine = try await EngineProcess.start(options, scratch: scratch, cli: cli, generation: generation)
    }

    // MARK: Configuration through the CLI

    /// `vpbx ext add NUMBER --name ... --password ...`.
    func addExtension(
        _ number: String, password: String, noAnswerTimeout: Int? = nil, staticContact: String? = nil
    ) async throws {
        var arguments = ["ext", "add", number, "--name", "Test \(number)", "--password", password]
        if let noAnswerTimeout { arguments += ["--no-answer-timeout", String(noAnswerTimeout)] }
        if let staticContact { arguments += ["--static-contact", staticContact] }
        try await cli.succeed(arguments)
    }

    /// The static contact URI that makes the engine call `peer` for extension `number`.
    func contact(of peer: SippPeer, number: String) -> String {
        "sip:\(number)@127.0.0.1:\(peer.port)"
    }

    // MARK: Phones

    /// A phone that talks to this engine (UAC scenarios), on fresh ports.
    func phone(_ scenario: Scenario, port: UInt16? = nil) throws -> SippPeer {
        try SippPeer(scenario, remote: options.sipAddress, port: port)
    }

    /// Starts `peer` and keeps running; it is killed at cleanup if still alive.
    func start(_ peer: SippPeer, name: String) throws -> SippProcess {
        let sipp = try SippProcess(peer, name: name, scratch: scratch)
        sipps.append(sipp)
        return sipp
    }

    /// Starts a baresip softphone for extension `number` (which must exist, with
    /// `Fixture.password(number)` unless `password` says otherwise), registering at this
    /// engine over `transport`, offering `codecs`; it is stopped at cleanup.
    func softphone(
        _ number: String, password: String? = nil, transport: String = "udp", tone: Int, codecs: String = "PCMA,PCMU",
        answersAutomatically: Bool = true, sendsInstance: Bool = false, mediaEncryption: String? = nil
    ) throws -> BaresipPhone {
        let registrar = transport == "tls" ? options.sipTLSAddress ?? options.sipAddress : options.sipAddress
        let phone = try BaresipPhone(
            number: number, password: password ?? Fixture.password(number), registrar: registrar,
            transport: transport, tone: tone, codecs: codecs, answersAutomatically: answersAutomatically,
            sendsInstance: sendsInstance, mediaEncryption: mediaEncryption, scratch: scratch)
        softphones.append(phone)
        return phone
    }

    /// Starts stunnel as a provider's TLS server on `address` in front of the TCP sipp at
    /// `target` (`host:port`), presenting `certificate` (and requiring a client certificate
    /// signed by `clientCA`, if given); it is stopped at cleanup.
    func tlsTerminator(
        address: String, forwardingTo target: String, certificate: TLSCertificate, clientCA: TLSCertificate? = nil
    ) async throws -> TLSTerminator {
        let terminator = try await TLSTerminator(
            address: address, forwardingTo: target, certificate: certificate, clientCA: clientCA, scratch: scratch)
        terminators.append(terminator)
        return terminator
    }

    /// The engine's DNS server (started with ``EngineOptions/dnsServerPort`` set), knowing
    /// `hosts` and `services`; stopped with the engine.
    func dnsServer(hosts: [(name: String, address: String)], services: [TestDNSServer.Service]) async throws
        -> TestDNSServer
    {
        guard let port = options.dnsServerPort else { throw HarnessError("the engine was started without a DNS server port") }
        let server = try await TestDNSServer(port: port, hosts: hosts, services: services, scratch: scratch)
        dnsServers.append(server)
        return server
    }

    /// Runs `peer` to its end.
    func run(_ peer: SippPeer, name: String) async throws -> SippResult {
        try await start(peer, name: name).finish()
    }

    /// Runs a UAS callee and a UAC caller together: the callee first (so it listens), then the
    /// caller; returns both results once both ended.
    func call(caller: SippPeer, callee: SippPeer) async throws -> (caller: SippResult, callee: SippResult) {
        let calleeProcess = try start(callee, name: "callee")
        try await Task.sleep(for: .milliseconds(300))  // let sipp bind before the INVITE can arrive
        try await calleeProcess.requireListening()
        let callerResult = try await run(caller, name: "caller")
        return (callerResult, await calleeProcess.finish())
    }

    // MARK: Observing through the CLI

    func registrations() async throws -> [RegistrationInfo] {
        try await cli.json([RegistrationInfo].self, ["reg", "list"])
    }

    func extensions() async throws -> [ExtensionInfo] {
        try await cli.json([ExtensionInfo].self, ["ext", "list"])
    }

    func liveCalls() async throws -> [LiveCall] {
        try await cli.json([LiveCall].self, ["call", "list"])
    }

    /// The engine's own answer to `call.list`, through `vpbx rpc`, which passes every field
    /// on; `vpbx call list` shows only the fields its DTO knows.
    func liveCallsThroughRPC() async throws -> [LiveCall] {
        try await cli.json([LiveCall].self, ["rpc", "call.list"])
    }

    func cdrs() async throws -> [CDRInfo] {
        try await cli.json([CDRInfo].self, ["cdr", "search"])
    }

    /// Waits (bounded) for the CDR of the call from `caller` to `callee`.
    func cdr(from caller: String, to callee: String) async throws -> CDRInfo {
        try await eventually("a CDR of the call \(caller) → \(callee)") {
            try await self.cdrs().first { $0.caller.hasSuffix(caller) && $0.callee.hasSuffix(callee) }
        }
    }
}

/// `vpbx call list --json` as these tests read it: the leg RTP counters are newer than
/// `CallInfo`, and optional, so they are decoded here rather than through `CallInfo`.
struct LiveCall: Decodable, Sendable {
    struct Leg: Decodable, Sendable {
        var id: String
        var party: String
        var state: String
        var rtpPacketsIn: Int?
        var rtpPacketsOut: Int?
        /// The engine's RTP port this leg's phone sends to.
        var mediaPort: Int?
    }

    var id: String
    var caller: String
    var callee: String
    var state: String
    var legs: [Leg]?
}
