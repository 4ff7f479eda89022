import Foundation
import VPBXControl

/// Runs the real `vpbx` CLI against one engine's control socket, the way an administrator's
/// script would, and decodes its `--json` output with the protocol's own types.
struct VPBXCommand: Sendable {
    /// What one run produced.
    struct Result: Sendable {
        var arguments: [String]
        /// nil when the CLI hung and was killed.
        var exitCode: Int32?
        var stdout: String
        var stderr: String
        /// Standard output as bytes (`vm play` writes audio there).
        var stdoutData = Data()

        var succeeded: Bool { exitCode == 0 }

        var summary: String {
            "vpbx \(arguments.joined(separator: " ")) exited \(exitCode.map(String.init) ?? "killed after timeout")\n"
                + "stdout: \(stdout)\nstderr: \(stderr)"
        }

        /// Decodes stdout as `T`, or says what went wrong, including the CLI's own output.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard succeeded else { throw HarnessError(summary) }
            do {
                return try RPCCoding.makeDecoder().decode(T.self, from: Data(stdout.utf8))
            } catch {
                throw HarnessError(
                    "cannot decode \(T.self) from the output of vpbx \(arguments.joined(separator: " ")): \(error)\n\(summary)"
                )
            }
        }
    }

    let executable: URL
    let socket: String
    let scratch: ScratchDirectory

    init(socket: String, scratch: ScratchDirectory) throws {
        executable = try PackageLayout.executable("vpbx")
        self.socket = socket
        self.scratch = scratch
    }

    /// `vpbx ARGS --socket S --timeout T` (`--json` added when `json`), bounded by `timeout` + 5 s.
    func run(_ arguments: [String], json: Bool = true, timeout: Double = 5) async throws -> Result {
        let all = arguments + ["--socket", socket, "--timeout", String(timeout)] + (json ? ["--json"] : [])
        let id = UUID().uuidString.prefix(8)
        let out = scratch.file("cli-\(id).out")
        let err = scratch.file("cli-\(id).err")
        let code = try await ChildProcess.run(
            executable, all, stdout: out, stderr: err, timeout: .milliseconds(Int((timeout + 5) * 1000)))
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let bytes = FileManager.default.contents(atPath: out.path) ?? Data()
        return Result(
            arguments: all, exitCode: code, stdout: String(decoding: bytes, as: UTF8.self), stderr: Self.read(err),
            stdoutData: bytes)
    }

    /// Runs and requires exit 0, returning the decoded JSON.
    func json<T: Decodable>(_ type: T.Type, _ arguments: [String]) async throws -> T {
        try await run(arguments).decode(T.self)
    }

    /// Runs and requires exit 0.
    func succeed(_ arguments: [String]) async throws {
        let result = try await run(arguments)
        guard result.succeeded else { throw HarnessError(result.summary) }
    }

    private static func read(_ url: URL) -> String {
        FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
