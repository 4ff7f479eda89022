import Foundation

/// A running `vpbx-engine`. Ready once `vpbx status` answers on its control socket.
/// Always stopped by the test (`stop()` in a cleanup path): SIGTERM, SIGKILL by PID if it
/// does not exit in time.
final class EngineProcess {
    let options: EngineOptions
    let logFile: URL
    private let child: ChildProcess

    /// Starts the engine and waits (bounded) until it answers on its control socket.
    static func start(_ options: EngineOptions, scratch: ScratchDirectory, cli: VPBXCommand, generation: Int = 1)
        async throws
        -> EngineProcess
    {
        let engine = try EngineProcess(options, logFile: scratch.file("engine-\(generation).log"))
        do {
            try await engine.waitUntilReady(cli: cli)
        } catch {
            await engine.stop()
            throw error
        }
        return engine
    }

    private init(_ options: EngineOptions, logFile: URL) throws {
        self.options = options
        self.logFile = logFile
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        child = try ChildProcess(
            try PackageLayout.executable("vpbx-engine"), options.arguments, stdout: logFile, stderr: logFile)
    }

    var pid: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }

    private func waitUntilReady(cli: VPBXCommand, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: VPBXCommand.Result?
        while ContinuousClock.now < deadline {
            guard child.isRunning else {
                let status = await child.wait(timeout: .seconds(1)).map(String.init) ?? "?"
                throw HarnessError(
                    "vpbx-engine exited with status \(status) before its control socket answered\n"
                        + "command: \(child.commandLine)\n\(logTail())")
            }
            let result = try await cli.run(["status"], timeout: 1)
            if result.succeeded { return }
            last = result
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError(
            "vpbx-engine did not answer 'vpbx status' within \(timeout)\n"
                + "command: \(child.commandLine)\nlast try: \(last?.summary ?? "-")\n\(logTail())")
    }

    /// SIGTERM, then SIGKILL after 10 s. Returns the exit status (0 for a clean shutdown).
    @discardableResult
    func stop() async -> Int32 {
        await child.stop(grace: .seconds(10))
    }

    /// SIGKILL at once: a crash or a power cut, nothing finished on the way out.
    func crash() async {
        kill(child.pid, SIGKILL)
        _ = await child.wait(timeout: .seconds(10))
    }

    /// The end of the engine's log, labelled, for failure messages.
    func logTail(lines: Int = 80) -> String {
        "--- vpbx-engine log (\(logFile.path)) ---\n" + tail(of: logFile, lines: lines)
    }
}
