import Foundation
import Testing

/// `vpbx-tui --wallboard` and the queues screen in a real terminal against a real engine:
/// the empty screens, reconnecting and resyncing, a clean quit, and a real queue whose agent
/// logs in and pauses while the screen follows the engine's events.
@Suite(
    "vpbx-tui --wallboard in tmux", .serialized,
    .enabled(if: TmuxSession.tmux != nil, "tmux is not installed"),
    .enabled(if: EngineProcess.built(["vpbx-engine", "vpbx-tui"]), "build the whole package first (swift build)"))
struct TmuxWallboardTests {
    let tui = EngineProcess.binary("vpbx-tui")

    @Test("the wallboard shows its heading and no queues, then reconnecting, and q quits")
    func emptyWallboardReconnectsAndQuits() async throws {
        let engine = try EngineProcess()
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let session = try TmuxSession(
            command: "env LANG=C.UTF-8 \(tui) --wallboard --thresholds wait=20/40 --socket \(engine.socketPath)")
        defer { session.close() }
        let text = try await session.waitFor("vpbx wallboard", "connected", "no queues", "vpbx queue add")
        #expect(text.contains("wait=20/40,sl=80/60,waiting=3/6"), "the footer shows the thresholds:\n\(text)")
        engine.stop()
        try await session.waitFor("reconnecting…", "no queues")
        try session.send("q")
        try await session.waitUntilEnded()
    }

    @Test("after an engine restart the wallboard resyncs by itself")
    func resyncsAfterARestart() async throws {
        let shared = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("vpbx-wb-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shared) }
        let socket = shared.appendingPathComponent("c.sock").path
        let first = try EngineProcess(socketPath: socket)
        defer { first.stop() }
        try await first.waitUntilReady()
        let session = try TmuxSession(command: "env LANG=C.UTF-8 \(tui) --wallboard --socket \(socket)")
        defer { session.close() }
        try await session.waitFor("vpbx wallboard", "connected", "no queues")
        first.stop()
        try await session.waitFor("reconnecting…")
        let second = try EngineProcess(socketPath: socket)
        defer { second.stop() }
        try await second.waitUntilReady()
        let text = try await session.waitFor("│ connected", "no queues", timeout: .seconds(20))
        #expect(!text.contains("reconnecting"), "the banner is gone after the resync:\n\(text)")
        try session.send("q")
        try await session.waitUntilEnded()
    }

    @Test("key 2 opens the queues screen for an admin; the agent keys explain themselves")
    func queuesScreenInTheConsole() async throws {
        let engine = try EngineProcess()
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let session = try TmuxSession(command: "env LANG=C.UTF-8 \(tui) --socket \(engine.socketPath)")
        defer { session.close() }
        try await session.waitFor("connected", "2 queues")  // the footer offers it (same user: admin)
        try session.send("2")
        try await session.waitFor("vpbx-tui │ queues", "no queues (add one with: vpbx queue add NAME)", "p pause")
        try session.send("Tab")
        try session.send("p")
        try await session.waitFor("no agent selected")
        try session.send("1")
        try await session.waitFor("Extensions (0)")
        try session.send("q")
        try await session.waitUntilEnded()
    }

    @Test("a real queue: the agent logs in and pauses from the CLI; the console and the wallboard's figures follow the events")
    func liveQueueFollowsEvents() async throws {
        let engine = try EngineProcess()
        defer { engine.stop() }
        try await engine.waitUntilReady()
        try engine.vpbx(["ext", "add", "1002", "--name", "Tóth Győző", "--password", "x"])
        try engine.vpbx(["agent", "add", "2001", "--name", "Kovács Éva"])
        try engine.vpbx(["queue", "add", "sales"])
        try engine.vpbx(["queue", "member", "add", "sales", "2001"])
        try engine.vpbx(["agent", "login", "2001", "--at", "1002"])

        let board = try TmuxSession(command: "env LANG=C.UTF-8 \(tui) --wallboard --socket \(engine.socketPath)")
        defer { board.close() }
        try await board.waitFor("vpbx wallboard", "sales", "available 1, on call 0, paused 0")
        let console = try TmuxSession(command: "env LANG=C.UTF-8 \(tui) --socket \(engine.socketPath)")
        defer { console.close() }
        try await console.waitFor("connected")
        try console.send("2")
        try await console.waitFor("sales", "Kovács Éva", "available")

        // A change made elsewhere reaches both screens through the events, no key pressed.
        try engine.vpbx(["agent", "pause", "2001", "--reason", "ebéd"])
        try await console.waitFor("Kovács Éva", "ebéd")
        try await board.waitFor("available 0, on call 0, paused 1")  // the wallboard's figures follow
        try engine.vpbx(["agent", "unpause", "2001"])
        try await console.waitFor("Kovács Éva", "available")
        try await board.waitFor("available 1, on call 0, paused 0")
        // And the console's own action: p, pick a reason, the engine pauses the agent.
        try console.send("Tab")
        try console.send("p")
        try await console.waitFor("lunch")
        try console.send("Enter")
        try await console.waitFor("Kovács Éva", "paused")
        let status = try Shell.run(EngineProcess.binary("vpbx"), ["agent", "status", "--json", "--socket", engine.socketPath])
        #expect(status.output.contains("\"reason\" : \"lunch\"") || status.output.contains("\"reason\":\"lunch\""), "\(status.output)")
        try console.send("q")
        try await console.waitUntilEnded()
        try board.send("q")
        try await board.waitUntilEnded()
    }

    @Test("bad options are refused before the terminal is taken")
    func badOptions() async throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("wallboard-\(getpid()).sh")
        try """
        '\(tui)' --queues sales --socket /nonexistent.sock; echo "exit=$?"
        '\(tui)' --wallboard --thresholds wait=9 --socket /nonexistent.sock; echo "exit=$?"
        sleep 30
        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let session = try TmuxSession(command: "bash \(script.path)")
        defer { session.close() }
        let text = try await session.waitFor("go with --wallboard", "is not WARN/ALERT")
        #expect(text.components(separatedBy: "exit=64").count == 3, "both exit with 64:\n\(text)")
    }

    @Test("--help describes the wallboard options")
    func helpText() throws {
        let result = try Shell.run(tui, ["--help"])
        #expect(result.status == 0)
        for text in ["--wallboard", "--queues <a,b>", "--thresholds <list>", "wait=30/60,sl=80/60,waiting=3/6"] {
            #expect(result.output.contains(text), "--help lacks \(text):\n\(result.output)")
        }
    }
}
