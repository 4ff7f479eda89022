import Foundation

/// dnsmasq as the DNS server of a provider's domain: it answers the engine's questions (the
/// engine started with `--dns-server`, ``EngineOptions/dnsServerPort``) about the names and
/// SRV records the test gives it, and nothing else (no upstream, no /etc/hosts).
final class TestDNSServer {
    /// An SRV record: `_sip._udp.provider.test` served by `target` at `port`.
    struct Service {
        let name: String
        let target: String
        let port: UInt16
        let priority: Int
        let weight: Int
    }

    private let child: ChildProcess
    private let logFile: URL

    /// dnsmasq from PATH or /usr/sbin, or an error saying how to install it.
    static func executable() throws -> URL {
        if let found = ToolPath.find("dnsmasq") { return URL(fileURLWithPath: found) }
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") {
            return URL(fileURLWithPath: "/usr/sbin/dnsmasq")
        }
        return try ToolPath.require("dnsmasq", package: "dnsmasq-base")
    }

    /// Starts it in the foreground on 127.0.0.1:`port` with `hosts` (name, IPv4 address)
    /// and `services`; waits (at most 10 s) until it answers.
    init(port: UInt16, hosts: [(name: String, address: String)], services: [Service], scratch: ScratchDirectory)
        async throws
    {
        logFile = scratch.file("dnsmasq-\(port).log")
        var arguments = [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--pid-file=", "--user=root",
            "--log-queries", "--log-facility=-",
            // The tests' names are under .test (RFC 2606): answered as their authority
            // would, NXDOMAIN or no records, rather than refused for want of an upstream.
            "--local=/test/",
        ]
        arguments += hosts.map { "--host-record=\($0.name),\($0.address)" }
        arguments += services.map { "--srv-host=\($0.name),\($0.target),\($0.port),\($0.priority),\($0.weight)" }
        child = try ChildProcess(try Self.executable(), arguments, stdout: logFile, stderr: logFile)
        let deadline = ContinuousClock.now + .seconds(10)
        while !log.contains("started, version") {
            guard child.isRunning, ContinuousClock.now < deadline else {
                await child.stop(grace: .seconds(2))
                throw HarnessError("dnsmasq did not start on 127.0.0.1:\(port):\n\(tail(of: logFile, lines: 30))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What dnsmasq logged: every question and its answer.
    var log: String {
        FileManager.default.contents(atPath: logFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Stops it by PID.
    func stop() async {
        await child.stop(grace: .seconds(5))
    }
}
