import Foundation

/// A real `vpbx-engine` on 127.0.0.1 in a temporary data dir, for end-to-end tests. Stopped
/// by PID with SIGTERM (SIGKILL if it lingers).
final class EngineProcess {
    let directory: URL
    let socketPath: String
    private let process = Process()

    /// Where `swift build` put the executables; `VPBX_BIN_DIR` overrides it (e.g. a build
    /// with its own `--scratch-path`), as for the integration tests.
    static let binDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["VPBX_BIN_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug")
    }()

    static func binary(_ name: String) -> String { binDirectory.appendingPathComponent(name).path }

    /// Whether the executables `names` have been built (the suites that run them are
    /// disabled otherwise, saying so).
    static func built(_ names: [String] = ["vpbx-engine", "vpbx", "vpbx-tui"]) -> Bool {
        names.allSatisfy { FileManager.default.isExecutableFile(atPath: binary($0)) }
    }

    /// The SIP port, on 127.0.0.1.
    let sipPort: Int

    /// `extraArguments` go to vpbx-engine as they are (e.g. `--trusted 127.0.0.1/32`);
    /// `socketPath` puts the control socket outside the engine's directory, so that a
    /// second engine can take over the same path (a restart).
    init(extraArguments: [String] = [], socketPath: String? = nil) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("vpbx-tui-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.socketPath = socketPath ?? directory.appendingPathComponent("c.sock").path
        sipPort = try Self.freePort()
        let rtpBase = Int.random(in: 20_000...29_000) * 2
        process.executableURL = URL(fileURLWithPath: Self.binary("vpbx-engine"))
        process.arguments = [
            "--data-dir", directory.path, "--sip-listen", "127.0.0.1:\(sipPort)",
            "--rtp-ports", "\(rtpBase)-\(rtpBase + 200)", "--socket", self.socketPath, "--log-level", "warning",
        ] + extraArguments
        let log = FileManager.default.createFile(atPath: directory.appendingPathComponent("engine.log").path, contents: nil)
        if log { process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("engine.log")) }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits (bounded) until the control socket exists.
    func waitUntilReady(timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard process.isRunning else { throw HarnessError("vpbx-engine exited early: \(engineLog)") }
            guard ContinuousClock.now < deadline else { throw HarnessError("vpbx-engine not ready after \(timeout)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var engineLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("engine.log"), encoding: .utf8)) ?? ""
    }

    /// Runs the `vpbx` CLI against this engine; throws on a non-zero exit.
    func vpbx(_ arguments: [String]) throws {
        let result = try Shell.run(Self.binary("vpbx"), arguments + ["--socket", socketPath])
        guard result.status == 0 else { throw HarnessError("vpbx \(arguments) failed: \(result.output)") }
    }

    /// Adds extension `number` (`name`) whose static contact is a sipp answering machine
    /// (sipp's own `uas`), started and listening; the caller stops it.
    func addAnsweringExtension(_ number: String, name: String) async throws -> SippProcess {
        let port = try Self.freePort()
        try vpbx([
            "ext", "add", number, "--name", name, "--password", "x", "--static-contact", "sip:\(number)@127.0.0.1:\(port)",
        ])
        let machine = try SippProcess(scenario: "uas", port: port, arguments: [], logDirectory: directory)
        try await machine.waitUntilListening()
        return machine
    }

    /// sipp calls `number` from 127.0.0.1 (trusted: `--trusted 127.0.0.1/32`) and holds the
    /// call for 30 s (sipp's built-in `uac`); the caller stops it.
    func callFromSipp(to number: String) throws -> SippProcess {
        try SippProcess(
            scenario: "uac", port: try Self.freePort(),
            arguments: ["-s", number, "-d", "30000", "127.0.0.1:\(sipPort)"], logDirectory: directory)
    }

    /// `vpbx-tui` on this engine in a tmux session (`--extension` when given), connected and
    /// showing no call yet.
    func console(extension own: String? = nil) async throws -> TmuxSession {
        let session = try TmuxSession(
            command: "env LANG=C.UTF-8 \(Self.binary("vpbx-tui")) --socket \(socketPath)"
                + (own.map { " --extension \($0)" } ?? ""))
        try await session.waitFor("connected", "no calls in progress")
        return session
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
