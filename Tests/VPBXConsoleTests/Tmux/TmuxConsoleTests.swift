import Foundation
import Testing

/// The real `vpbx-tui` binary in a real terminal (tmux) against a real engine. Needs tmux
/// and `swift build` of the whole package (vpbx-engine, vpbx, vpbx-tui).
@Suite(
    "vpbx-tui in tmux", .serialized,
    .enabled(if: TmuxSession.tmux != nil, "tmux is not installed"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxConsoleTests {
    let tui = EngineProcess.binary("vpbx-tui")

    @Test func showsAHungarianNameLiveAndQuitsOnQ() async throws {
        let engine = try EngineProcess()
        defer { engine.stop() }
        try await engine.waitUntilReady()
        try engine.vpbx(["ext", "add", "1001", "--name", "Kovács Ödön", "--password", "x"])
        let session = try TmuxSession(command: "env LANG=C.UTF-8 \(tui) --socket \(engine.socketPath)")
        defer { session.close() }
        try await session.waitFor("connected", "Kovács Ödön", "1001")
        // Events, not polling: an extension added now shows up without a key press.
        try engine.vpbx(["ext", "add", "1002", "--name", "Tóth Győző", "--password", "x"])
        try await session.waitFor("Tóth Győző", "2 ext")
        try session.send("?")
        try await session.waitFor("Hang up the selected call")
        try session.send("Escape")
        // f finds as it is typed, accents through the real terminal; q is text meanwhile.
        try session.send("f")
        try session.send("-l", "győq")
        try await session.waitFor("Find: győq_", "0 found")
        try session.send("BSpace")
        try await session.waitFor("Find: győ_", "1 found")
        try session.send("Escape")
        try session.send("q")
        try await session.waitUntilEnded()
    }

    @Test func ctrlCRestoresTheTerminalAndEngineLossShowsReconnecting() async throws {
        let engine = try EngineProcess()
        defer { engine.stop() }
        try await engine.waitUntilReady()
        try engine.vpbx(["ext", "add", "1001", "--name", "Kovács Ödön", "--password", "x"])
        // After the console exits, the script prints its exit status and the tty modes.
        let script = engine.directory.appendingPathComponent("console.sh")
        try """
        LANG=C.UTF-8 '\(tui)' --socket '\(engine.socketPath)'
        echo "exit=$?"
        echo "modes: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' ')"
        sleep 30
        """.write(to: script, atomically: true, encoding: .utf8)
        let session = try TmuxSession(command: "bash \(script.path)")
        defer { session.close() }
        try await session.waitFor("connected", "Kovács Ödön")
        engine.stop()
        try await session.waitFor("reconnecting…", "Kovács Ödön")
        try session.send("C-c")
        let text = try await session.waitFor("exit=", "modes:")
        #expect(text.contains("modes: icanon echo"), "terminal left in curses mode:\n\(text)")
        #expect(!text.contains("Extensions ("), "the console's screen should be gone:\n\(text)")
    }
}
