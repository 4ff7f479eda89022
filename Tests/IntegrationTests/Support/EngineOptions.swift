import Foundation

/// How one test's engine is started: everything on 127.0.0.1, ports chosen free for this
/// test, data in its scratch directory.
struct EngineOptions: Sendable {
    var sipPort: UInt16
    var rtpPorts: ClosedRange<UInt16>
    var rtpAddress = "127.0.0.1"
    var dataDirectory: String
    var socket: String
    var trusted: [String] = []
    var realm = "vpbx"
    var rtpTimeout: Int?
    var maxCalls: Int?
    /// `--auth-fail-limit`: nil leaves the engine's default.
    var authFailLimit: Int?
    /// `--source-rate-limit`: nil leaves the engine's default.
    var sourceRateLimit: Int?
    /// `--relay-threads`: nil leaves the engine's default.
    var relayThreads: Int?
    var tcpIdleTimeout: Int?
    /// `--webhook` URLs.
    var webhooks: [String] = []
    /// `--webhook-secret` file, signing the webhooks' requests.
    var webhookSecret: String?
    /// `--recording-key` files, the current key first.
    var recordingKeys: [String] = []
    /// SIP over TLS on `sipTLSPort` with `tlsCertificate`, when set.
    var sipTLSPort: UInt16?
    var tlsCertificate: TLSCertificate?
    /// The CAs trusted for TLS trunks' certificates (`--tls-ca-file`); nil: the system's.
    var tlsCAFile: String?
    /// `--dns-server 127.0.0.1:PORT`: the test's own DNS server (``TestDNSServer``); nil:
    /// the system's.
    var dnsServerPort: UInt16?
    /// `--mail-command`: what sends voicemail emails (a test's script that keeps them).
    var mailCommand: String?
    /// `--park-timeout`: seconds a parked call waits before it rings its parker.
    var parkTimeout: Int?
    var logLevel = "debug"
    /// The default prompts: empty at first; tests put the files they need there.
    var promptsDirectory: String

    /// Free ports and paths inside `scratch`.
    init(scratch: ScratchDirectory) throws {
        sipPort = try FreePorts.sipPort()
        rtpPorts = try FreePorts.udpRange(count: 40)
        dataDirectory = scratch.file("data").path
        socket = scratch.file("data/control.sock").path
        promptsDirectory = scratch.file("default-prompts").path
        // sun_path holds 108 bytes including the terminating NUL.
        guard socket.utf8.count <= 107 else {
            throw HarnessError("control socket path \(socket) is longer than 107 bytes; use a shorter TMPDIR")
        }
    }

    var sipAddress: String { "127.0.0.1:\(sipPort)" }
    var sipTLSAddress: String? { sipTLSPort.map { "127.0.0.1:\($0)" } }

    /// Turns SIP over TLS on, on a free port, with `certificate`.
    mutating func enableTLS(_ certificate: TLSCertificate) throws {
        sipTLSPort = try FreePorts.sipPort()
        tlsCertificate = certificate
    }

    /// The vpbx-engine command line (see man/vpbx-engine.8).
    var arguments: [String] {
        var arguments = [
            "--data-dir", dataDirectory,
            "--sip-listen", sipAddress,
            "--rtp-ports", "\(rtpPorts.lowerBound)-\(rtpPorts.upperBound)",
            "--rtp-address", rtpAddress,
            "--socket", socket,
            "--realm", realm,
            "--log-level", logLevel,
            "--prompts-dir", promptsDirectory,
        ]
        if !trusted.isEmpty { arguments += ["--trusted"] + trusted }
        if let rtpTimeout { arguments += ["--rtp-timeout", String(rtpTimeout)] }
        if let maxCalls { arguments += ["--max-calls", String(maxCalls)] }
        if let authFailLimit { arguments += ["--auth-fail-limit", String(authFailLimit)] }
        if let sourceRateLimit { arguments += ["--source-rate-limit", String(sourceRateLimit)] }
        if let relayThreads { arguments += ["--relay-threads", String(relayThreads)] }
        if let tcpIdleTimeout { arguments += ["--tcp-idle-timeout", String(tcpIdleTimeout)] }
        if let parkTimeout { arguments += ["--park-timeout", String(parkTimeout)] }
        for url in webhooks { arguments += ["--webhook", url] }
        if let webhookSecret { arguments += ["--webhook-secret", webhookSecret] }
        for key in recordingKeys { arguments += ["--recording-key", key] }
        if let sipTLSPort, let tlsCertificate {
            arguments += [
                "--sip-tls-port", String(sipTLSPort), "--tls-certificate", tlsCertificate.certificateFile, "--tls-key",
                tlsCertificate.keyFile,
            ]
        }
        if let tlsCAFile { arguments += ["--tls-ca-file", tlsCAFile] }
        if let dnsServerPort { arguments += ["--dns-server", "127.0.0.1:\(dnsServerPort)"] }
        if let mailCommand { arguments += ["--mail-command", mailCommand, "--mail-from", "pbx@vpbx.test"] }
        return arguments
    }
}
