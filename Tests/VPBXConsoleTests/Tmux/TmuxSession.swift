import Foundation

/// A detached tmux session on a private server (`tmux -L`), so tests never touch the
/// user's own tmux. `close()` kills the server.
final class TmuxSession {
    static let tmux = Shell.which("tmux")
    let server = "vpbx-tui-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let target = "console"

    init(command: String, columns: Int = 100, rows: Int = 30) throws {
        let result = try run(["new-session", "-d", "-s", target, "-x", "\(columns)", "-y", "\(rows)", command])
        guard result.status == 0 else { throw HarnessError("tmux new-session failed: \(result.output)") }
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> Shell.Result {
        guard let tmux = Self.tmux else { throw HarnessError("tmux is not installed") }
        return try Shell.run(tmux, ["-L", server] + arguments)
    }

    /// The visible text of the pane.
    func capture() throws -> String {
        try run(["capture-pane", "-p", "-t", target]).output
    }

    /// `tmux send-keys` names: "q", "C-c", "Tab", "Escape".
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", target] + keys)
    }

    var isAlive: Bool {
        (try? run(["has-session", "-t", target]).status == 0) ?? false
    }

    /// Polls the pane until it contains every one of `needles`; returns the pane text.
    @discardableResult
    func waitFor(_ needles: String..., timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? capture()) ?? ""
            if needles.allSatisfy(text.contains) { return text }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("pane never showed \(needles) within \(timeout); it shows:\n\(text)")
    }

    /// Polls until the session has ended (its command exited).
    func waitUntilEnded(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while isAlive {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("session still running after \(timeout):\n\((try? capture()) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func close() {
        _ = try? run(["kill-server"])
    }
}
