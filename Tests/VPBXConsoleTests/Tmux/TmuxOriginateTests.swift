import Foundation
import Testing

/// `c` then `y` in the real console places a real call from the user's phone: the engine
/// rings 1001's phone (a sipp answering machine) and, once it answers, 1002's (another one).
@Suite(
    "vpbx-tui calls from the user's phone", .serialized,
    .enabled(if: TmuxSession.tmux != nil && SippProcess.sipp != nil, "needs tmux and sipp"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxOriginateTests {
    /// An engine with 1001 and 1002 (sipp phones answering at once) and the console of 1001
    /// in tmux, connected; everything stopped after `body`.
    static func withConsole(_ body: (TmuxSession) async throws -> Void) async throws {
        let engine = try EngineProcess(extraArguments: ["--trusted", "127.0.0.1/32"])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let own = try await engine.addAnsweringExtension("1001", name: "Kovács Ödön")
        defer { own.stop() }
        let callee = try await engine.addAnsweringExtension("1002", name: "Szabó Erzsébet")
        defer { callee.stop() }
        let session = try TmuxSession(
            command: "env LANG=C.UTF-8 \(EngineProcess.binary("vpbx-tui")) --socket \(engine.socketPath) --extension 1001")
        defer { session.close() }
        try await session.waitFor("connected", "no calls in progress")
        try await body(session)
    }

    @Test func callKeyRingsTheOwnPhoneThenTheSelectedExtension() async throws {
        try await Self.withConsole { session in
            try session.send("Down")  // 1002 in the extensions panel
            try session.send("c")
            try await session.waitFor("Call 1002 Szabó Erzsébet?", "Your phone 1001 rings first.")
            try session.send("y")
            try await session.waitFor("1001 Kovács Ödön", "→ 1002 Szabó Erzsébet", "answered")
            try session.send("q")
            try await session.waitUntilEnded()
        }
    }

    /// `d`, a number typed as people write it (letters are text there, `q` does not quit),
    /// Enter: the own phone rings, then the typed number.
    @Test func numberKeyCallsATypedNumber() async throws {
        try await Self.withConsole { session in
            try session.send("d")
            try await session.waitFor("Call a number", "Your phone 1001 rings first.")
            try session.send("q")
            try await session.waitFor("a number has digits, + * # and spaces only")
            try session.send("1", "0", "Space", "0", "2")
            try await session.waitFor("> 10 02_")
            try session.send("Enter")
            try await session.waitFor("1001 Kovács Ödön", "→ 1002 Szabó Erzsébet", "answered")
            try session.send("q")
            try await session.waitUntilEnded()
        }
    }
}
