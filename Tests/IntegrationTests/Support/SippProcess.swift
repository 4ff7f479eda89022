import Foundation

/// A running sipp. `finish()` waits (bounded by the peer's own timeout plus a margin, then
/// kills by PID) and returns a `SippResult`.
final class SippProcess {
    let peer: SippPeer
    let stem: String
    private let child: ChildProcess
    /// The sipp process's id: what its scenarios' `[pid]` is (in the tags it makes).
    var pid: pid_t { child.pid }
    private let scratch: ScratchDirectory

    /// The sipp executable from PATH, or an error saying how to install it.
    static func executable() throws -> URL {
        guard let path = IntegrationGate.sippPath else {
            throw HarnessError(
                "sipp is not installed (not found in PATH); run 'bash scripts/setup-deps.sh' (package sip-tester)")
        }
        return URL(fileURLWithPath: path)
    }

    /// Starts sipp for `peer`; `name` distinguishes the trace files of several peers in one test.
    init(_ peer: SippPeer, name: String, scratch: ScratchDirectory) throws {
        self.peer = peer
        self.scratch = scratch
        stem = "sipp-\(name)-\(peer.scenario.fileStem)"
        let arguments = peer.arguments(scenarioPath: try peer.scenario.url().path, directory: scratch, stem: stem)
        // sipp's screen output (final statistics) goes to stdout, its complaints to stderr.
        child = try ChildProcess(
            try Self.executable(), arguments, stdout: scratch.file("\(stem).screen"),
            stderr: scratch.file("\(stem).screen"))
    }

    /// Runs `peer` to the end.
    static func run(_ peer: SippPeer, name: String, scratch: ScratchDirectory) async throws -> SippResult {
        try await SippProcess(peer, name: name, scratch: scratch).finish()
    }

    var isRunning: Bool { child.isRunning }

    /// For a UAS just started: throws sipp's report if it has already ended (it could not
    /// bind its port, say), instead of letting the caller wait for its timeout.
    func requireListening() async throws {
        guard !child.isRunning else { return }
        throw HarnessError("sipp ended right after starting:\n" + (await finish()).report)
    }

    /// Waits for sipp to end: at most its own global timeout plus 15 s.
    func finish() async -> SippResult {
        let code = await child.wait(timeout: .seconds(peer.timeoutSeconds + 15))
        return SippResult(
            name: stem, commandLine: child.commandLine, exitCode: code,
            screen: scratch.file("\(stem).screen"), errors: scratch.file("\(stem).errors"),
            messages: scratch.file("\(stem).messages"))
    }

    /// The SIP messages sipp received so far (its `-trace_msg` file is written as it goes):
    /// what a test reads of a dialog while the call is up.
    func receivedSoFar() -> [String] {
        let file = scratch.file("\(stem).messages")
        let text = FileManager.default.contents(atPath: file.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return SippMessageLog.received(in: text)
    }

    /// Kills sipp now (cleanup after a failed test); no-op once it has ended.
    func kill() async {
        if child.isRunning { await child.stop(grace: .seconds(2)) }
    }
}

/// How a sipp run ended, with its trace files for failure messages.
struct SippResult: Sendable {
    var name: String
    var commandLine: String
    /// sipp's exit code: 0 all calls succeeded, 1 some failed, 255 fatal or global timeout;
    /// nil when the harness had to kill it.
    var exitCode: Int32?
    var screen: URL
    var errors: URL
    var messages: URL

    var succeeded: Bool { exitCode == 0 }

    /// What went wrong, with the ends of sipp's logs.
    var report: String {
        """
        \(name): sipp exited \(exitCode.map(String.init) ?? "(killed: did not end in time)")
        command: \(commandLine)
        --- errors ---
        \(tail(of: errors, lines: 30))
        --- screen ---
        \(tail(of: screen, lines: 25))
        --- SIP messages ---
        \(tail(of: messages, lines: 60))
        """
    }

    /// Throws the report unless every call of the scenario succeeded.
    func requireSuccess() throws {
        guard succeeded else { throw HarnessError(report) }
    }

    /// The SIP messages sipp received, in order, from its `-trace_msg` file.
    func receivedMessages() -> [String] {
        let text = FileManager.default.contents(atPath: messages.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return SippMessageLog.received(in: text)
    }
}
