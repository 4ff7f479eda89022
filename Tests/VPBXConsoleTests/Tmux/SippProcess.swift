import Foundation

/// A sipp built-in scenario (`uac` or `uas`) on 127.0.0.1, stopped by PID.
final class SippProcess {
    static let sipp = Shell.which("sipp")
    private let process = Process()

    /// `scenario` is a built-in name (`uac`, `uas`) or, with `file`, a name for the log of
    /// the scenario in that file.
    init(scenario: String, file: URL? = nil, port: Int, arguments: [String], logDirectory: URL) throws {
        guard let sipp = Self.sipp else { throw HarnessError("sipp is not installed") }
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

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
    }
}
