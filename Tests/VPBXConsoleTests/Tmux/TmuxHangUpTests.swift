import Foundation
import Testing

/// `h` then `y` in the real console ends a real call: sipp calls an extension whose static
/// contact is a sipp answering machine, through an engine that trusts 127.0.0.1.
@Suite(
    "vpbx-tui hangs up a real call", .serialized,
    .enabled(if: TmuxSession.tmux != nil && SippProcess.sipp != nil, "needs tmux and sipp"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxHangUpTests {
    @Test func hangUpKeyEndsTheSelectedCall() async throws {
        let engine = try EngineProcess(extraArguments: ["--trusted", "127.0.0.1/32"])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let answering = try await engine.addAnsweringExtension("1002", name: "Szabó Erzsébet")
        defer { answering.stop() }
        let session = try await engine.console()
        defer { session.close() }
        let caller = try engine.callFromSipp(to: "1002")
        defer { caller.stop() }
        try await session.waitFor("→ 1002 Szabó Erzsébet", "answered", "busy")
        try session.send("Tab")
        try session.send("h")
        try await session.waitFor("Hang up", "y: yes")
        try session.send("y")
        let text = try await session.waitFor("call hung up", "no calls in progress", "free")
        #expect(!text.contains("answered"))
        try session.send("q")
        try await session.waitUntilEnded()
    }
}
