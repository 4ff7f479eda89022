import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process with stdin on /dev/null and stdout/stderr in files, so that nothing
/// waits on a full pipe and the output survives for failure messages. Every wait is
/// bounded; past its deadline the process is killed by PID.
///
/// Foundation on Linux notices an exit when every holder of a descriptor the child inherited
/// has closed it; a grandchild that outlives the child delays that. The engine and sipp
/// (as used here) start no processes of their own.
final class ChildProcess {
    let executable: URL
    let arguments: [String]
    let stdoutFile: URL
    let stderrFile: URL
    private let process = Process()

    /// Starts `executable`; stdout and stderr go to the given files (truncated; they may be the same).
    init(_ executable: URL, _ arguments: [String], stdout: URL, stderr: URL, environment: [String: String]? = nil) throws {
        self.executable = executable
        self.arguments = arguments
        stdoutFile = stdout
        stderrFile = stderr
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        let out = try Self.openForWriting(stdout)
        process.standardOutput = out
        process.standardError = stderr == stdout ? out : try Self.openForWriting(stderr)
        do {
            try process.run()
        } catch {
            throw HarnessError("cannot start \(executable.path): \(error)")
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The command line, for messages.
    var commandLine: String { ([executable.path] + arguments).joined(separator: " ") }

    /// Waits until the process exits, at most `timeout` seconds; then kills it (SIGKILL) and
    /// returns nil. Otherwise returns the exit status (128 + N for death by signal N, like a shell).
    func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(pid, SIGKILL)
            await reap()
            return nil
        }
        return status
    }

    /// SIGTERM, then SIGKILL if the process is still alive after `grace`. Returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) async -> Int32 {
        if process.isRunning { kill(pid, SIGTERM) }
        // After a SIGKILL `wait` returns nil; the status then reads 137 (128 + 9).
        return await wait(timeout: grace) ?? status
    }

    /// Waits (bounded) for the kernel to report the death of a killed process.
    private func reap() async {
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private var status: Int32 {
        guard !process.isRunning else { return -1 }
        let code = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? 128 + code : code
    }

    private static func openForWriting(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw HarnessError("cannot create \(url.path)")
        }
        return handle
    }

    /// Runs to completion (bounded) and returns the status, or nil if it was killed on timeout.
    static func run(
        _ executable: URL, _ arguments: [String], stdout: URL, stderr: URL, timeout: Duration
    ) async throws -> Int32? {
        try await ChildProcess(executable, arguments, stdout: stdout, stderr: stderr).wait(timeout: timeout)
    }
}

/// The end of a text file, for failure messages (logs can be long).
func tail(of url: URL, lines: Int = 60) -> String {
    guard let data = FileManager.default.contents(atPath: url.path), !data.isEmpty else {
        return "(\(url.lastPathComponent) is empty or missing)"
    }
    let text = String(decoding: data, as: UTF8.self)
    let all = text.split(separator: "\n", omittingEmptySubsequences: false)
    let kept = all.suffix(lines).joined(separator: "\n")
    return all.count > lines ? "... (\(all.count - lines) earlier lines in \(url.path))\n" + kept : kept
}
