import Foundation

/// A sipp built-in scenario (`uac` or `uas`) on 127.0.0.1, stopped by PID.
final class SippProcess {
    static let sipp = Shell.which("sipp")
    private let process = Process()
    private let port: Int

    /// `scenario` is a built-in name (`uac`, `uas`) or, with `file`, a name for the log of
    /// the scenario in that file.
    init(scenario: String, file: URL? = nil, port: Int, arguments: [String], logDirectory: URL) throws {
        guard let sipp = Self.sipp else { throw HarnessError("sipp is not installed") }
        self.port = port
        process.executableURL = URL(fileURLWithPath: sipp)
        let source = file.map { ["-sf", $0.path] } ?? ["-sn", scenario]
        process.arguments = source + ["-i", "127.0.0.1", "-p", "\(port)", "-m", "1", "-nostdin"] + arguments
        let log = logDirectory.appendingPathComponent("sipp-\(scenario).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits until sipp has bound its SIP port on 127.0.0.1 (read from /proc/net/udp, so
    /// the check never holds the port itself). A phone started just before the call it is to
    /// answer may not be listening yet: the INVITE's first send is lost, and its
    /// retransmissions (0.5, 1.5, 3.5 s later) can come after a caller that hangs up 3 s
    /// after its answer has gone (the agent screen test failed so once in CI).
    func waitUntilListening(timeout: Duration = .seconds(10)) async throws {
        let local = String(format: "0100007F:%04X", self.port)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let table = Self.udpSocketTable()
            if table.split(separator: "\n").contains(where: { $0.split(separator: " ").dropFirst().first == Substring(local) }) {
                return
            }
            guard process.isRunning else { throw HarnessError("sipp on port \(self.port) ended right after starting") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("sipp did not bind 127.0.0.1:\(self.port) within \(timeout)")
    }

    /// `/proc/net/udp`, read to its end. The kernel hands it out a page per read and reports
    /// its size as 0; a read that trusts the size gets the first page only, and in a parallel
    /// test run (hundreds of sockets) the socket looked for was often beyond it.
    private static func udpSocketTable() -> String {
        guard let handle = FileHandle(forReadingAtPath: "/proc/net/udp") else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
    }
}
