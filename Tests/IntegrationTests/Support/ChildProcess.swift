import Foundation
import VPBXTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process with stdin on /dev/null and stdout/stderr in files, so that nothing
/// waits on a full pipe and the output survives for failure messages. Every wait is
/// bounded; past its deadline the process is killed by PID.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`, for two reasons found the
/// hard way: a child inherits the signal mask of the spawning thread, and Swift concurrency's
/// threads block nearly every signal, so a `Process` started from a test never saw SIGTERM;
/// and `Process` notices an exit only once every inheritor of its internal descriptor is
/// gone, which an orphaned grandchild delays. Here the child starts with an empty mask and
/// default dispositions for the signals we send, as from a shell, and `waitpid` reaps it.
final class ChildProcess {
    let executable: URL
    let arguments: [String]
    let pid: pid_t
    private var exitStatus: Int32?

    /// Starts `executable`; stdout and stderr go to the given files (created or truncated;
    /// they may be the same file).
    init(_ executable: URL, _ arguments: [String], stdout: URL, stderr: URL) throws {
        self.executable = executable
        self.arguments = arguments
        pid = try Self.spawn(executable.path, arguments, stdout: stdout.path, stderr: stderr.path)
    }

    deinit {
        // Never leave a child behind, nor a zombie.
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    var isRunning: Bool { poll() == nil }

    /// The command line, for messages.
    var commandLine: String { ([executable.path] + arguments).joined(separator: " ") }

    /// Waits until the process exits, at most `timeout`; then kills it (SIGKILL) and returns
    /// nil. Otherwise returns the exit status (128 + N for death by signal N, like a shell).
    func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while poll() == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if let status = poll() { return status }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        if waitpid(pid, &status, 0) == pid { exitStatus = Self.decode(status) }
        return nil
    }

    /// SIGTERM, then SIGKILL if the process is still alive after `grace`. Returns the exit
    /// status: 137 (128 + 9) when it had to be killed.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) async -> Int32 {
        if poll() == nil { kill(pid, SIGTERM) }
        if let status = await wait(timeout: grace) { return status }
        return exitStatus ?? 128 + SIGKILL
    }

    /// Runs to completion (bounded) and returns the status, or nil if it was killed on timeout.
    static func run(
        _ executable: URL, _ arguments: [String], stdout: URL, stderr: URL, timeout: Duration
    ) async throws -> Int32? {
        try await ChildProcess(executable, arguments, stdout: stdout, stderr: stderr).wait(timeout: timeout)
    }

    /// The exit status once the child has ended (reaping it), nil while it runs.
    private func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exitStatus = Self.decode(status) }
        return exitStatus
    }

    /// `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` by hand: they are macros Swift does not import.
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func spawn(_ path: String, _ arguments: [String], stdout: String, stderr: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let create = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, create, 0o644)
        if stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, create, 0o644)
        }
        // Nothing else of the test process: NIO opens its sockets without close-on-exec, so a
        // child would hold the sockets of tests running alongside and keep their connections
        // open after those tests closed them (a peer then never sees the close).
        SpawnDescriptors.closeTheRest(&actions)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw HarnessError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        return pid
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
