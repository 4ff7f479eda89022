import ArgumentParser
import Foundation
import Logging
import VPBXEngine

/// `vpbx-engine`: the SIP/RTP engine daemon. Thin by design: options → configuration → Engine.
@main
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpbx-engine",
        abstract:
            "Run the vpbx SIP/RTP engine: registrar, B2BUA calls with anchored RTP, CDRs, and the control socket.",
        discussion: """
            Extensions, registrations and call records live in DATA-DIR/vpbx.db (SQLite, WAL). Administer it \
            with vpbx(1) over the control socket. SIGINT or SIGTERM ends calls with BYE, writes the \
            remaining CDRs and exits. See vpbx-engine(8).
            """,
        version: Engine.version)

    @Option(
        name: .long, help: ArgumentHelp("JSON configuration file; command-line options override it.", valueName: "file")
    )
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Data directory (default ./vpbx-data).", valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp("SIP listen address for UDP and TCP (default 0.0.0.0:5060).", valueName: "addr:port"))
    var sipListen: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "SIP over TLS port on the SIP address, with --tls-certificate and --tls-key (default 5061).",
            valueName: "port"))
    var sipTlsPort: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PEM file of the engine's TLS certificate (chain, leaf first): turns SIP over TLS on.", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .long, help: ArgumentHelp("PEM file of the TLS certificate's private key.", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("tls-ca-file"),
        help: ArgumentHelp(
            "PEM file of the CA certificates that sign TLS trunks' certificates (default: the system's CAs).",
            valueName: "file"))
    var tlsCAFile: String?

    @Option(
        name: .customLong("dns-server"),
        help: ArgumentHelp(
            "Ask this DNS server (IPv4, port 53 unless given) about trunks' and contacts' host names instead of the system's resolvers; its A and SRV records only (no /etc/hosts).",
            valueName: "addr[:port]"))
    var dnsServer: String?

    @Option(
        name: .customLong("mail-command"),
        help: ArgumentHelp(
            "The command that sends voicemail emails, the message on its standard input (default '/usr/sbin/sendmail -t -i': the machine's mail transfer agent).",
            valueName: "command"))
    var mailCommand: String?

    @Option(
        name: .customLong("mail-from"),
        help: ArgumentHelp(
            "The address voicemail emails come from (default vpbx@ and the machine's name).", valueName: "address"))
    var mailFrom: String?

    @Option(
        name: .customLong("park-slots"),
        help: ArgumentHelp("Slots of the parking lot, 1-99 (default 20: *701 to *7020 park there).", valueName: "count"))
    var parkSlots: Int?

    @Option(
        name: .customLong("park-timeout"),
        help: ArgumentHelp(
            "Seconds a parked call waits before it rings whoever parked it, 5-3600 (default 45).", valueName: "seconds"))
    var parkTimeout: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("URL to POST call events to, as JSON (a CRM's screen pop); repeatable.", valueName: "url"))
    var webhook: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "File with the secret that signs every --webhook request (X-VPBX-Signature, HMAC-SHA256; at least 16 bytes, mode 600).",
            valueName: "file"))
    var webhookSecret: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Days call recordings are kept before their files are deleted (1-3653, default 365).", valueName: "days"))
    var recordingRetention: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Encrypt call recordings at rest with the 256-bit key in this file (64 hex digits or 32 bytes, mode 600). Repeat it after a key change: the first encrypts, all of them decrypt.",
            valueName: "file"))
    var recordingKey: [String] = []

    @Option(name: .long, help: ArgumentHelp("RTP port range (default 10000-20000).", valueName: "lo-hi"))
    var rtpPorts: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Address announced in SDP for RTP (default: the SIP address, or 127.0.0.1 for a wildcard).",
            valueName: "addr"))
    var rtpAddress: String?

    @Option(name: .long, help: ArgumentHelp("Control socket path (default DATA-DIR/control.sock).", valueName: "path"))
    var socket: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Source network accepted without digest challenge; repeatable.", valueName: "cidr"))
    var trusted: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds without RTP or RTCP from either phone before an answered call is ended (default 60; not while ringing or on hold).",
            valueName: "seconds"))
    var rtpTimeout: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Refuse new calls with 503 beyond this many at once (default: no limit).", valueName: "n"))
    var maxCalls: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Refuse new calls with 503 while SIP input waits this long for the core; 0 never sheds load (default 300).",
            valueName: "ms"))
    var overloadDelay: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Close new incoming SIP TCP connections while this many are open (default 4096).", valueName: "n"))
    var maxTcpConnections: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Close a SIP TCP connection idle this long, unless a phone is registered on it (default 600).",
            valueName: "seconds"))
    var tcpIdleTimeout: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Ban a source after this many failed authentications within a minute; 0 never bans (default 10).",
            valueName: "n"))
    var authFailLimit: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("How long a banned source's new requests are dropped (default 900).", valueName: "seconds"))
    var authBanTime: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Source network never banned (still challenged); repeatable.", valueName: "cidr"))
    var authBanExempt: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Contacts one extension may register at once; more replace those expiring soonest (default 10).",
            valueName: "n"))
    var maxContacts: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "New requests per second one untrusted source may send; the rest are dropped; 0 no limit (default 200).",
            valueName: "n"))
    var sourceRateLimit: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Call records and registration changes that may wait in memory while the database refuses them (a full disk) before new calls get 503; 0 no bound (default 100000).",
            valueName: "n"))
    var maxPendingWrites: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Threads that forward the RTP of plain bridged calls, 1 to 64 (default: half the cores, at least 1).",
            valueName: "n"))
    var relayThreads: Int?

    @Option(name: .long, help: ArgumentHelp("Digest authentication realm (default vpbx).", valueName: "name"))
    var realm: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory of the default prompts, <dir>/<lang>/<name>.wav (default $VPBX_PROMPTS_DIR).", valueName: "dir"))
    var promptsDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level")
    )
    var logLevel: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Put a backup made by 'vpbx backup' into the data directory, which must have no database yet, and exit.",
            valueName: "file"))
    var restore: String?

    /// Bad usage exits 2 (DESIGN.md), not ArgumentParser's default 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if let engine = command as? EngineCommand {
                try await engine.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    func makeConfiguration() throws -> EngineConfiguration {
        var configuration = EngineConfiguration()
        // Lowest precedence: the environment (scripts/run.sh points it at the generated prompts).
        if let value = ProcessInfo.processInfo.environment["VPBX_PROMPTS_DIR"], !value.isEmpty {
            configuration.promptsDirectory = value
        }
        if let config { try configuration.load(file: config) }
        if let dataDir { configuration.dataDirectory = dataDir }
        if let sipListen { try configuration.setSIPListen(sipListen) }
        if let sipTlsPort { try configuration.setSIPTLSPort(sipTlsPort) }
        if let tlsCertificate { configuration.tlsCertificateFile = tlsCertificate }
        if let tlsKey { configuration.tlsKeyFile = tlsKey }
        if let tlsCAFile { configuration.tlsCAFile = tlsCAFile }
        if let dnsServer { try configuration.setDNSServer(dnsServer) }
        if let mailCommand { try configuration.setMailCommand(mailCommand) }
        if let mailFrom { try configuration.setMailFrom(mailFrom) }
        if let parkSlots { try configuration.setParkSlots(parkSlots) }
        if let parkTimeout { try configuration.setParkTimeout(seconds: parkTimeout) }
        if let rtpPorts { try configuration.setRTPPorts(rtpPorts) }
        if webhookSecret != nil, webhook.isEmpty {
            throw EngineConfigurationError("--webhook-secret signs the --webhook URLs: give at least one --webhook")
        }
        let secret = try webhookSecret.map(WebhookSignature.loadSecret)
        for url in webhook { try configuration.addWebhook(WebhookTarget(url: url, secret: secret)) }
        if let recordingRetention { try configuration.setRecordingRetentionDays(recordingRetention) }
        if !recordingKey.isEmpty { configuration.recordingKeyFiles = recordingKey }
        if let rtpAddress { configuration.rtpAddress = rtpAddress }
        if let socket { configuration.socketPath = socket }
        if !trusted.isEmpty { configuration.trusted = trusted }
        if let rtpTimeout {
            guard rtpTimeout > 0 else {
                throw EngineConfigurationError("--rtp-timeout must be a positive number of seconds")
            }
            configuration.rtpTimeoutSeconds = rtpTimeout
        }
        if let maxCalls { try configuration.setMaximumCalls(maxCalls) }
        if let overloadDelay { try configuration.setOverloadDelay(milliseconds: overloadDelay) }
        if let maxTcpConnections { try configuration.setMaximumTCPConnections(maxTcpConnections) }
        if let tcpIdleTimeout { try configuration.setTCPIdleTimeout(seconds: tcpIdleTimeout) }
        if let authFailLimit { try configuration.setAuthFailureLimit(authFailLimit) }
        if let maxContacts { try configuration.setMaximumContacts(maxContacts) }
        if let sourceRateLimit { try configuration.setSourceRateLimit(sourceRateLimit) }
        if let maxPendingWrites { try configuration.setMaximumPendingWrites(maxPendingWrites) }
        if let relayThreads { try configuration.setRelayThreads(relayThreads) }
        if let authBanTime { try configuration.setAuthBanTime(seconds: authBanTime) }
        if !authBanExempt.isEmpty { configuration.authBanExempt = authBanExempt }
        if let realm { configuration.realm = realm }
        if let promptsDir { configuration.promptsDirectory = promptsDir }
        if let logLevel { try configuration.setLogLevel(logLevel) }
        _ = try configuration.sipTLS()
        _ = try configuration.trustedNetworks()
        _ = try configuration.banExemptNetworks()
        return configuration
    }

    func validate() throws {
        do {
            // A recording key that cannot be used is bad usage, found before anything starts.
            _ = try makeConfiguration().recordingKeyring()
        } catch let error as EngineConfigurationError {
            throw ValidationError(error.description)
        } catch let error as CustomStringConvertible {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        if let restore { return try Self.restore(restore, into: configuration.dataDirectory) }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "vpbx.engine")
        // A file size limit (ulimit -f) would otherwise kill the engine at the first write
        // past it; ignored, the write fails with EFBIG and is handled like a full disk.
        Foundation.signal(SIGXFSZ, SIG_IGN)
        MemoryAllocator.report(to: logger)
        let engine = Engine(configuration: configuration, logger: logger)
        do {
            try await engine.start()
        } catch {
            logger.critical("cannot start: \(error)")
            await engine.stop()
            throw ExitCode.failure
        }
        ReloadSignal.install { Task { await engine.reloadTLSCertificate() } }
        let reason = await ShutdownSignal.wait(orUntil: { await engine.drained() })
        logger.notice("\(reason), shutting down")
        await engine.stop()
    }

    /// `--restore`: the engine is not started.
    private static func restore(_ file: String, into dataDirectory: String) throws {
        do {
            print(try EngineRestore.run(file: file, dataDirectory: dataDirectory))
        } catch {
            FileHandle.standardError.write(Data("vpbx-engine: cannot restore: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
