import Foundation
import Logging
import VPBXControl
import VPBXMediaIO
import VPBXPBX
import VPBXSIP
import VPBXStore

/// The engine process's own settings: where it listens and keeps its data. Everything an
/// administrator manages day to day lives in the store instead. Read from an optional JSON file
/// (keys as in `vpbx-engine(8)`), then overridden by command-line options.
public struct EngineConfiguration: Sendable, Equatable {
    public var dataDirectory: String = "./vpbx-data"
    public var sipHost: String = "0.0.0.0"
    public var sipPort: Int = 5060
    /// SIP over TLS, on `sipTLSPort` of the SIP address, when a certificate and key are given.
    public var sipTLSPort: Int = 5061
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// PEM file of the CAs trusted to sign TLS trunks' certificates; nil: the system's.
    public var tlsCAFile: String?
    /// The DNS server asked every question about trunks' and contacts' host names instead of
    /// the system's (a split-horizon server for the providers' names; the tests' own); IPv4.
    public var dnsServer: DNSServer?
    public var rtpPorts: ClosedRange<Int> = 10_000...20_000
    /// Address written into SDP; defaults to the SIP host, or 127.0.0.1 when that is a wildcard.
    public var rtpAddress: String?
    public var socketPath: String?
    public var trusted: [String] = []
    public var rtpTimeoutSeconds: Int = 60
    /// New calls beyond this many at once get `503`; nil: no limit.
    public var maximumCalls: Int?
    /// New calls get `503` while the core's input waits this long; 0: never shed load.
    /// 300 ms: under T1 (500 ms, when phones retransmit) with room to spare, above the
    /// stalls of a busy machine (docs/performance.md, stop 24: at 200 ms such stalls
    /// refused calls that would have completed).
    public var overloadDelayMilliseconds: Int = 300
    /// SIP TCP connections open at once beyond which new incoming ones are closed when accepted.
    public var maximumTCPConnections: Int = 4096
    /// A SIP TCP connection that carries nothing this long is closed, unless a phone is
    /// registered on it (then it stays while the registration lasts).
    public var tcpIdleTimeoutSeconds: Int = 600
    /// Failed authentications within a minute that ban a source; 0: never ban.
    public var authFailureLimit: Int = 10
    /// How long a ban lasts.
    public var authBanSeconds: Int = 900
    /// Networks never banned (CIDR text), still challenged.
    public var authBanExempt: [String] = []
    /// Live contacts one extension may register at once (more replace those expiring soonest).
    public var maximumContacts: Int = 10
    /// New out-of-dialog requests per second one untrusted source may send; 0: no limit.
    public var sourceRateLimit: Int = 200
    /// Store writes that may wait in memory while the database refuses them before new calls
    /// are refused; 0: no bound.
    public var maximumPendingWrites: Int = 100_000
    /// Threads that forward the RTP of plain bridged calls; nil: half the cores, at least one
    /// (``defaultRelayThreads(cores:)``).
    public var relayThreads: Int?
    public var realm: String = "vpbx"
    public var logLevel: Logger.Level = .info
    /// The generated default prompts (`<dir>/<lang>/<name>.wav`); nil: only the
    /// administrator's prompts in `<data>/prompts` are played.
    public var promptsDirectory: String?
    /// Unix group name → control-socket role.
    public var roles: [String: Role] = [:]
    /// URLs the engine POSTs its events to (CTI hooks for CRM systems).
    public var webhooks: [WebhookTarget] = []
    /// Days a call recording is kept from its start before its file is deleted (GDPR: no
    /// longer than needed); at most ten years.
    public private(set) var recordingRetentionDays: Int = 365
    /// Files holding the keys call recordings are encrypted with at rest: new recordings
    /// use the first, all of them open older ones (docs/recording.md); empty: plain WAV.
    public var recordingKeyFiles: [String] = []
    /// The command that sends voicemail emails, the message on its standard input
    /// (Asterisk's `mailcmd`); by default the system's sendmail.
    public private(set) var mailCommand: [String] = VoicemailMailer.defaultCommand
    /// The address voicemail emails come from; nil: `vpbx@` and the machine's name.
    public private(set) var mailFrom: String?
    /// The parking lot: slots `*701`...`*70N` and the seconds a call waits there before it
    /// rings whoever parked it.
    public private(set) var parkSlots = ParkingLot.defaultSlotCount
    public private(set) var parkTimeoutSeconds = ParkingLot.defaultTimeoutSeconds

    public init() {}

    public mutating func setParkSlots(_ count: Int) throws {
        guard (1...99).contains(count) else {
            throw EngineConfigurationError("--park-slots must be 1 to 99 slots, not \(count)")
        }
        parkSlots = count
    }

    public mutating func setParkTimeout(seconds: Int) throws {
        guard (5...3600).contains(seconds) else {
            throw EngineConfigurationError("--park-timeout must be 5 to 3600 seconds, not \(seconds)")
        }
        parkTimeoutSeconds = seconds
    }

    /// `--mail-command '/usr/bin/msmtp -t'`: the program and its arguments, split at spaces.
    public mutating func setMailCommand(_ text: String) throws {
        let words = text.split(separator: " ").map(String.init)
        guard let program = words.first, program.hasPrefix("/") else {
            throw EngineConfigurationError(
                "--mail-command needs a program's full path and its arguments, e.g. '/usr/sbin/sendmail -t -i', not '\(text)'"
            )
        }
        mailCommand = words
    }

    public mutating func setMailFrom(_ address: String) throws {
        if let problem = MailboxRecord.problem(email: address) {
            throw EngineConfigurationError("--mail-from: \(problem)")
        }
        mailFrom = address
    }

    public mutating func setRecordingRetentionDays(_ days: Int) throws {
        guard (1...RecordingRecord.maximumRetentionDays).contains(days) else {
            throw EngineConfigurationError(
                "recording retention must be 1 to \(RecordingRecord.maximumRetentionDays) days (ten years), not \(days)"
            )
        }
        recordingRetentionDays = days
    }

    /// The recording keys read from ``recordingKeyFiles``; nil when none are given.
    /// - Throws: ``EngineConfigurationError`` naming the file and what is wrong with it.
    public func recordingKeyring() throws -> RecordingKeyring? {
        guard !recordingKeyFiles.isEmpty else { return nil }
        do {
            return try RecordingKeyring(
                recordingKeyFiles.map { path throws(RecordingKeyError) in try RecordingKey.load(path: path) })
        } catch {
            throw EngineConfigurationError("--recording-key: \(error)")
        }
    }

    public var resolvedSocketPath: String {
        socketPath ?? (dataDirectory as NSString).appendingPathComponent("control.sock")
    }

    public var advertisedHost: String {
        if let rtpAddress, sipHost == "0.0.0.0" || sipHost == "::" { return rtpAddress }
        return sipHost == "0.0.0.0" || sipHost == "::" ? "127.0.0.1" : sipHost
    }

    public var mediaAddress: String { rtpAddress ?? advertisedHost }

    public func trustedNetworks() throws -> [CIDR] {
        try trusted.map { text throws in try CIDR(parsing: text) }
    }

    public func banExemptNetworks() throws -> [CIDR] {
        try authBanExempt.map { text throws in try CIDR(parsing: text) }
    }

    /// The keys of the configuration file; every one is optional.
    struct File: Decodable {
        var dataDir: String?
        var sipListen: String?
        var sipTlsPort: Int?
        var tlsCertificate: String?
        var tlsKey: String?
        var tlsCaFile: String?
        var dnsServer: String?
        var rtpPorts: String?
        var rtpAddress: String?
        var socket: String?
        var trusted: [String]?
        var rtpTimeout: Int?
        var maxCalls: Int?
        var overloadDelay: Int?
        var maxTcpConnections: Int?
        var tcpIdleTimeout: Int?
        var authFailLimit: Int?
        var authBanTime: Int?
        var authBanExempt: [String]?
        var maxContacts: Int?
        var sourceRateLimit: Int?
        var maxPendingWrites: Int?
        var relayThreads: Int?
        var realm: String?
        var logLevel: String?
        var roles: [String: String]?
        var promptsDir: String?
        var webhooks: [Webhook]?
        var recordingRetentionDays: Int?
        var recordingKeys: [String]?
        var mailCommand: String?
        var mailFrom: String?
        var parkSlots: Int?
        var parkTimeout: Int?

        struct Webhook: Decodable {
            var url: String
            var topics: [String]?
            var secretFile: String?
        }
    }

    /// Applies a JSON configuration file on top of the defaults.
    public mutating func load(file path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EngineConfigurationError("cannot read configuration file \(path): \(error.localizedDescription)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw EngineConfigurationError("configuration file \(path) is not valid JSON for vpbx-engine: \(error)")
        }
        if let value = file.dataDir { dataDirectory = value }
        if let value = file.sipListen { try setSIPListen(value) }
        if let value = file.sipTlsPort { try setSIPTLSPort(value) }
        if let value = file.tlsCertificate { tlsCertificateFile = value }
        if let value = file.tlsKey { tlsKeyFile = value }
        if let value = file.tlsCaFile { tlsCAFile = value }
        if let value = file.dnsServer { try setDNSServer(value) }
        if let value = file.rtpPorts { try setRTPPorts(value) }
        if let value = file.rtpAddress { rtpAddress = value }
        if let value = file.socket { socketPath = value }
        if let value = file.trusted { trusted = value }
        if let value = file.rtpTimeout { rtpTimeoutSeconds = value }
        if let value = file.maxCalls { try setMaximumCalls(value) }
        if let value = file.overloadDelay { try setOverloadDelay(milliseconds: value) }
        if let value = file.maxTcpConnections { try setMaximumTCPConnections(value) }
        if let value = file.tcpIdleTimeout { try setTCPIdleTimeout(seconds: value) }
        if let value = file.authFailLimit { try setAuthFailureLimit(value) }
        if let value = file.authBanTime { try setAuthBanTime(seconds: value) }
        if let value = file.authBanExempt { authBanExempt = value }
        if let value = file.maxContacts { try setMaximumContacts(value) }
        if let value = file.sourceRateLimit { try setSourceRateLimit(value) }
        if let value = file.maxPendingWrites { try setMaximumPendingWrites(value) }
        if let value = file.relayThreads { try setRelayThreads(value) }
        if let value = file.realm { realm = value }
        if let value = file.logLevel { try setLogLevel(value) }
        if let value = file.promptsDir { promptsDirectory = value }
        if let value = file.recordingRetentionDays { try setRecordingRetentionDays(value) }
        if let value = file.recordingKeys { recordingKeyFiles = value }
        if let value = file.mailCommand { try setMailCommand(value) }
        if let value = file.mailFrom { try setMailFrom(value) }
        if let value = file.parkSlots { try setParkSlots(value) }
        if let value = file.parkTimeout { try setParkTimeout(seconds: value) }
        for webhook in file.webhooks ?? [] {
            try addWebhook(
                WebhookTarget(
                    url: webhook.url, topics: webhook.topics ?? [EventTopic.call],
                    secret: try webhook.secretFile.map(WebhookSignature.loadSecret)))
        }
        if let value = file.roles {
            for (group, roleName) in value {
                guard let role = Role(rawValue: roleName) else {
                    throw EngineConfigurationError(
                        "role '\(roleName)' for group '\(group)' is unknown (admin, supervisor, receptionist, agent, wallboard)"
                    )
                }
                roles[group] = role
            }
        }
    }

    /// Topics a webhook may ask for.
    static let webhookTopics: Set<String> = [
        EventTopic.call, EventTopic.extension, EventTopic.registration, EventTopic.engine, EventTopic.ban,
    ]

    /// Adds a webhook after checking its URL (`http` or `https`, with a host) and topics.
    public mutating func addWebhook(_ target: WebhookTarget) throws {
        guard let url = URL(string: target.url), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty
        else {
            throw EngineConfigurationError(
                "webhook URL '\(target.url)' is invalid: expected http:// or https:// and a host, e.g. http://127.0.0.1:8080/pbx"
            )
        }
        if let unknown = target.topics.first(where: { !Self.webhookTopics.contains($0) }) {
            throw EngineConfigurationError(
                "webhook topic '\(unknown)' is unknown (\(Self.webhookTopics.sorted().joined(separator: ", ")))")
        }
        webhooks.append(target)
    }

    /// `ADDR` or `ADDR:PORT` (default 53), an IPv4 address.
    public mutating func setDNSServer(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let port = parts.count == 2 ? Int(parts[1]) : 53
        guard parts.count <= 2, IPv4Text.value(of: parts[0]) != nil, let port, (1...65_535).contains(port) else {
            throw EngineConfigurationError(
                "DNS server '\(text)' is invalid: expected an IPv4 address and maybe a port, e.g. 192.0.2.53 or 127.0.0.1:5353"
            )
        }
        dnsServer = DNSServer(address: parts[0], port: port)
    }

    /// `ADDR:PORT`, `[v6]:PORT` or just `ADDR`.
    public mutating func setSIPListen(_ text: String) throws {
        var host = text
        var port = 5060
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { port = Int(rest.dropFirst()) ?? -1 }
        } else if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            host = String(text[..<colon])
            port = Int(text[text.index(after: colon)...]) ?? -1
        }
        guard !host.isEmpty, (1...65_535).contains(port) else {
            throw EngineConfigurationError(
                "SIP listen address '\(text)' is invalid: expected ADDR:PORT, e.g. 0.0.0.0:5060")
        }
        sipHost = host
        sipPort = port
    }

    public mutating func setSIPTLSPort(_ value: Int) throws {
        sipTLSPort = try Self.checked(value, in: 1...65_535, "SIP TLS port", expected: "a port from 1 to 65535")
    }

    /// The TLS listener's settings: nil without a certificate; both files or neither.
    public func sipTLS() throws -> (port: Int, certificate: String, key: String)? {
        switch (tlsCertificateFile, tlsKeyFile) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            guard sipTLSPort != sipPort else {
                throw EngineConfigurationError(
                    "the SIP TLS port \(sipTLSPort) is the UDP and TCP port too: choose another (5061 by convention)")
            }
            return (sipTLSPort, certificate, key)
        default:
            throw EngineConfigurationError("SIP over TLS needs both --tls-certificate and --tls-key (PEM files)")
        }
    }

    /// `LO-HI`, even and odd bounds allowed (the pool uses even RTP ports).
    public mutating func setRTPPorts(_ text: String) throws {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low >= 1024, high <= 65_535,
            high - low >= 3
        else {
            throw EngineConfigurationError(
                "RTP port range '\(text)' is invalid: expected LO-HI between 1024 and 65535, e.g. 10000-20000")
        }
        rtpPorts = low...high
    }

    public mutating func setMaximumCalls(_ value: Int) throws {
        maximumCalls = try Self.checked(value, in: 1...Int.max, "maximum calls", expected: "a positive number of calls")
    }

    public mutating func setOverloadDelay(milliseconds value: Int) throws {
        overloadDelayMilliseconds = try Self.checked(
            value, in: 0...60_000, "overload delay", expected: "milliseconds from 0 (never shed load) to 60000")
    }

    public mutating func setMaximumTCPConnections(_ value: Int) throws {
        maximumTCPConnections = try Self.checked(
            value, in: 1...1_000_000, "maximum TCP connections", expected: "1 to 1000000")
    }

    public mutating func setTCPIdleTimeout(seconds value: Int) throws {
        tcpIdleTimeoutSeconds = try Self.checked(
            value, in: 1...86_400, "TCP idle timeout", expected: "seconds from 1 to 86400")
    }

    public mutating func setAuthFailureLimit(_ value: Int) throws {
        authFailureLimit = try Self.checked(
            value, in: 0...10_000, "authentication failure limit",
            expected: "failures per minute from 1 to 10000, or 0 to never ban")
    }

    public mutating func setAuthBanTime(seconds value: Int) throws {
        authBanSeconds = try Self.checked(
            value, in: 1...604_800, "ban time", expected: "seconds from 1 to 604800 (a week)")
    }

    public mutating func setMaximumContacts(_ value: Int) throws {
        maximumContacts = try Self.checked(
            value, in: 1...1000, "maximum contacts", expected: "contacts per extension from 1 to 1000")
    }

    public mutating func setSourceRateLimit(_ value: Int) throws {
        sourceRateLimit = try Self.checked(
            value, in: 0...1_000_000, "source rate limit",
            expected: "requests per second from 1 to 1000000, or 0 for no limit")
    }

    public mutating func setRelayThreads(_ value: Int) throws {
        relayThreads = try Self.checked(value, in: 1...64, "relay threads", expected: "threads from 1 to 64")
    }

    /// Half the cores forward media (one on a 2-core machine), so that SIP and the calls with
    /// features keep the rest; a machine that carries mostly media can be given more.
    public static func defaultRelayThreads(cores: Int) -> Int { max(1, cores / 2) }

    /// The relay threads to start on a machine with `cores` cores.
    public func resolvedRelayThreads(cores: Int) -> Int { relayThreads ?? Self.defaultRelayThreads(cores: cores) }

    public mutating func setMaximumPendingWrites(_ value: Int) throws {
        maximumPendingWrites = try Self.checked(
            value, in: 0...100_000_000, "maximum pending writes",
            expected: "writes from 1 to 100000000, or 0 for no bound")
    }

    /// `value` when it lies in `range`, else the error every numeric setting gives:
    /// "<what> '<value>' is invalid: expected <expected>".
    private static func checked(_ value: Int, in range: ClosedRange<Int>, _ what: String, expected: String) throws
        -> Int
    {
        guard range.contains(value) else {
            throw EngineConfigurationError("\(what) '\(value)' is invalid: expected \(expected)")
        }
        return value
    }

    /// The core's settings for admitting new calls.
    public var overloadQueueDelay: Duration? {
        overloadDelayMilliseconds > 0 ? .milliseconds(overloadDelayMilliseconds) : nil
    }

    public mutating func setLogLevel(_ text: String) throws {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw EngineConfigurationError(
                "log level '\(text)' is invalid: trace, debug, info, notice, warning, error or critical")
        }
        logLevel = level
    }
}

public struct EngineConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A DNS server the engine asks instead of the system's.
public struct DNSServer: Sendable, Equatable {
    public var address: String
    public var port: Int
}
