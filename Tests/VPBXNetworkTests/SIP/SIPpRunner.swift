import Foundation

/// Runs the real sipp against the transport: the independent implementation DESIGN.md asks
/// every SIP behaviour to be tested with. Bounded twice: sipp's own `-timeout`, and a kill by
/// PID if it outlives our deadline, so a test never waits forever nor leaves sipp behind.
enum SIPpRunner {
    static let executable = "/usr/bin/sipp"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// The scenario file next to this source file (the test target declares no resources).
    static func scenario(_ name: String, filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Scenarios").appendingPathComponent(name).path
    }

    /// Runs `calls` calls of `scenario` over `transport` ("u1" or "t1") to 127.0.0.1:`port`.
    /// Returns sipp's exit status and its output (for the failure message).
    static func run(scenario: String, transport: String, port: Int, calls: Int, deadline: Duration = .seconds(30)) async throws -> (status: Int32, output: String) {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-sipp-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer {
            try? log.close()
            try? FileManager.default.removeItem(at: logURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "127.0.0.1:\(port)", "-sf", scenario, "-t", transport, "-i", "127.0.0.1", "-p", "0",
            "-m", String(calls), "-r", "50", "-timeout", "10s", "-timeout_error", "-nostdin",
        ]
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let pid = process.processIdentifier
        defer { if process.isRunning { kill(pid, SIGKILL) } }
        try await eventually(timeout: deadline, "sipp to finish") { !process.isRunning }
        process.waitUntilExit()
        let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(output.suffix(2000)))
    }
}
