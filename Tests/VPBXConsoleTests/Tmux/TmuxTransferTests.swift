import Foundation
import Testing

/// `t` then `y` in the real console transfers the user's real call: sipp calls 1002 (a sipp
/// answering machine), whose console (`--extension 1002`) puts the caller through to 1003
/// (another one); 1002's phone is hung up when 1003 answers.
@Suite(
    "vpbx-tui transfers a real call", .serialized,
    .enabled(if: TmuxSession.tmux != nil && SippProcess.sipp != nil, "needs tmux and sipp"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxTransferTests {
    @Test func transferKeyPutsTheCallerThroughToTheSelectedExtension() async throws {
        let engine = try EngineProcess(extraArguments: ["--trusted", "127.0.0.1/32"])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let desk = try await engine.addAnsweringExtension("1002", name: "Szabó Erzsébet")
        defer { desk.stop() }
        let target = try await engine.addAnsweringExtension("1003", name: "Tóth Győző")
        defer { target.stop() }
        let session = try await engine.console(extension: "1002")
        defer { session.close() }
        let caller = try engine.callFromSipp(to: "1002")
        defer { caller.stop() }
        try await session.waitFor("→ 1002 Szabó Erzsébet", "answered")
        try session.send("Down")  // 1003 in the extensions panel
        try session.send("t")
        try await session.waitFor("Transfer", "to 1003 Tóth Győző?", "y: yes")
        try session.send("y")
        let text = try await session.waitFor("→ 1003 Tóth Győző", "answered")
        #expect(!text.contains("→ 1002"), "1002's phone left the call: \(text)")
        try session.send("q")
        try await session.waitUntilEnded()
    }
}
