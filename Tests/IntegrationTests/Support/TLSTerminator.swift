import Foundation

/// stunnel as a provider's TLS server: it takes TLS connections on `address:port` with
/// `certificate` and passes what they carry, decrypted, to a sipp listening on TCP (sipp in
/// Debian has no TLS). The engine's trunk connects to it as to a provider's SIP over TLS port.
final class TLSTerminator {
    let address: String
    let port: UInt16
    private let child: ChildProcess
    private let logFile: URL

    /// The stunnel executable from PATH, or an error saying how to install it.
    static func executable() throws -> URL {
        try ToolPath.require("stunnel4", "stunnel", package: "stunnel4")
    }

    /// Starts it in the foreground, listening on `address` at a free port and passing each
    /// connection on to `target` (`host:port` of a TCP sipp); waits (at most 10 s) until it
    /// has bound its port. `clientCA`: it takes only clients presenting a certificate that
    /// chains to this one (mutual TLS).
    init(
        address: String, forwardingTo target: String, certificate: TLSCertificate, clientCA: TLSCertificate? = nil,
        scratch: ScratchDirectory
    ) async throws {
        self.address = address
        port = try FreePorts.sipPort()
        let configuration = scratch.file("stunnel-\(port).conf")
        logFile = scratch.file("stunnel-\(port).log")
        var settings = """
            foreground = yes
            pid =
            debug = info
            [provider]
            accept = \(address):\(port)
            connect = \(target)
            cert = \(certificate.certificateFile)
            key = \(certificate.keyFile)
            sslVersionMin = TLSv1.2

            """
        if let clientCA { settings += "requireCert = yes\nverifyChain = yes\nCAfile = \(clientCA.certificateFile)\n" }
        try settings.write(to: configuration, atomically: true, encoding: .utf8)
        child = try ChildProcess(try Self.executable(), [configuration.path], stdout: logFile, stderr: logFile)
        let deadline = ContinuousClock.now + .seconds(10)
        while !log.contains("Configuration successful") {
            guard child.isRunning, ContinuousClock.now < deadline else {
                await child.stop(grace: .seconds(2))
                throw HarnessError("stunnel did not start listening on \(address):\(port):\n\(tail(of: logFile, lines: 30))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What stunnel logged: connections, handshakes and why one failed.
    var log: String {
        FileManager.default.contents(atPath: logFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Stops it by PID.
    func stop() async {
        await child.stop(grace: .seconds(5))
    }
}
