import Foundation
import Testing

/// The `agent` role for real: the engine maps the Unix group of `nobody` to the agent role,
/// and `vpbx` and `vpbx-tui` run as `nobody` (setpriv), so SO_PEERCRED carries that uid.
/// The user's own agent is theirs to log in and pause; any other agent is `forbidden`; an
/// unmapped user is told how to get mapped; the console opens on the agent screen.
/// Needs root (to switch users and hand the socket to the group).
@Suite(
    "the agent role through the real socket", .serialized,
    .enabled(if: getuid() == 0, "needs root to run clients as nobody"),
    .enabled(if: NobodyAccount.current != nil && Shell.which("setpriv") != nil, "needs user nobody and setpriv"),
    .enabled(if: TmuxSession.tmux != nil, "tmux is not installed"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxAgentRoleTests {
    static let nobody = NobodyAccount.current

    /// `command` as nobody, with no supplementary groups.
    static func asNobody(_ command: [String]) -> [String] {
        let account = nobody!
        return ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups"] + command
    }

    /// An engine whose config gives nobody's group the agent role, its socket handed to that group.
    func startEngine() async throws -> EngineProcess {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("agent-role-\(getpid()).json")
        try #"{"roles": {"\#(Self.nobody!.group)": "agent"}}"#.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let engine = try EngineProcess(extraArguments: ["--config", config.path])
        try await engine.waitUntilReady()
        guard chown(engine.socketPath, UInt32.max, Self.nobody!.gid) == 0 else {
            throw HarnessError("cannot give the socket to group \(Self.nobody!.group)")
        }
        return engine
    }

    func vpbxAsNobody(_ engine: EngineProcess, _ arguments: [String]) throws -> Shell.Result {
        try Shell.run(
            Shell.which("setpriv")!,
            Self.asNobody([EngineProcess.binary("vpbx")] + arguments + ["--socket", engine.socketPath]))
    }

    @Test("own agent allowed, another forbidden, unmapped not_found; the console opens on the agent screen")
    func agentRole() async throws {
        let engine = try await startEngine()
        defer { engine.stop() }
        try engine.vpbx(["ext", "add", "1002", "--name", "Asztal 2", "--password", "x"])
        try engine.vpbx(["agent", "add", "2001", "--name", "Kovács Éva"])
        try engine.vpbx(["agent", "add", "2002", "--name", "Nagy Béla"])
        try engine.vpbx(["queue", "add", "sales"])
        try engine.vpbx(["queue", "member", "add", "sales", "2001"])
        try engine.vpbx(["queue", "member", "add", "sales", "2002"])

        let unmapped = try vpbxAsNobody(engine, ["rpc", "agent.self"])
        #expect(unmapped.status == 1, "\(unmapped.output)")
        #expect(unmapped.output.contains("no agent is mapped to your Unix user nobody"), "\(unmapped.output)")
        #expect(unmapped.output.contains("not_found"))

        try engine.vpbx(["agent", "set", "2001", "--unix-user", "nobody"])
        let me = try vpbxAsNobody(engine, ["rpc", "agent.self"])
        #expect(me.status == 0 && me.output.contains("\"2001\""), "\(me.output)")
        let own = try vpbxAsNobody(engine, ["agent", "pause", "2001", "--reason", "lunch"])
        #expect(own.status == 0, "\(own.output)")
        let other = try vpbxAsNobody(engine, ["agent", "pause", "2002", "--reason", "lunch"])
        #expect(other.status == 1 && other.output.contains("forbidden"), "\(other.output)")
        #expect(other.output.contains("you are agent 2001"))
        let everyone = try vpbxAsNobody(engine, ["agent", "status"])
        #expect(everyone.status == 1 && everyone.output.contains("forbidden"), "\(everyone.output)")
        let unpaused = try vpbxAsNobody(engine, ["agent", "unpause", "2001"])
        #expect(unpaused.status == 0, "\(unpaused.output)")
        // Click-to-call: only from the extension the agent is logged in at.
        let loggedOut = try vpbxAsNobody(engine, ["call", "originate", "--from", "1002", "--to", "1099"])
        #expect(loggedOut.status == 1 && loggedOut.output.contains("forbidden"), "\(loggedOut.output)")

        let tui = EngineProcess.binary("vpbx-tui")
        let command =
            ([Shell.which("setpriv")!]
            + Self.asNobody([
                "env", "LANG=C.UTF-8", "HOME=/tmp", tui, "--extension", "1002", "--socket", engine.socketPath,
            ])).joined(separator: " ")
        let session = try TmuxSession(command: command, columns: 80, rows: 24)
        defer { session.close() }
        try await session.waitFor("agent 2001", "2001 Kovács Éva", "logged out", "My queues (1)")
        try session.send("a")
        try await session.waitFor("available", "at 1002")
        let fromOwn = try vpbxAsNobody(engine, ["call", "originate", "--from", "1002", "--to", "1099"])
        #expect(fromOwn.status == 1 && fromOwn.output.contains("leads nowhere"), "allowed, refused by the engine: \(fromOwn.output)")
        let fromOther = try vpbxAsNobody(engine, ["call", "originate", "--from", "1003", "--to", "1002"])
        #expect(fromOther.status == 1 && fromOther.output.contains("logged in at"), "\(fromOther.output)")
        // Recordings: an agent may pause only the recording of its own call, and may not list
        // or export recordings at all.
        let notMine = try vpbxAsNobody(engine, ["call", "record", UUID().uuidString, "pause"])
        #expect(
            notMine.status == 1 && notMine.output.contains("forbidden")
                && notMine.output.contains("the recording of your own call only"), "\(notMine.output)")
        let listed = try vpbxAsNobody(engine, ["rec", "list"])
        #expect(listed.status == 1 && listed.output.contains("forbidden"), "\(listed.output)")
        let status = try Shell.run(
            EngineProcess.binary("vpbx"), ["agent", "status", "--json", "--socket", engine.socketPath])
        #expect(status.output.contains("\"available\""), "\(status.output)")
        try session.send("1")
        try await session.waitFor("the overview needs a staff role")
        try session.send("q")
        try await session.waitUntilEnded()
    }
}

/// The `nobody` user and its primary group, whose name varies (nogroup, nobody).
struct NobodyAccount {
    var uid: UInt32
    var gid: UInt32
    var group: String

    static let current: NobodyAccount? = {
        guard let user = getpwnam("nobody"), let group = getgrgid(user.pointee.pw_gid),
            let name = group.pointee.gr_name
        else { return nil }
        return NobodyAccount(uid: user.pointee.pw_uid, gid: user.pointee.pw_gid, group: String(cString: name))
    }()
}
