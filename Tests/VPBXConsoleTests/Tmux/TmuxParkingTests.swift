import Foundation
import Testing

/// A real parked call on the real console: sipp calls an extension whose static contact is a
/// sipp answering machine, the CLI transfers the caller to the park code, and the console's
/// calls panel shows the slot and who parked it, then the call leaving the lot.
@Suite(
    "vpbx-tui shows a real parked call", .serialized,
    .enabled(if: TmuxSession.tmux != nil && SippProcess.sipp != nil, "needs tmux and sipp"),
    .enabled(if: EngineProcess.built(), "build the whole package first (swift build)"))
struct TmuxParkingTests {
    @Test func theCallsPanelShowsTheSlotAndWhoParkedIt() async throws {
        let engine = try EngineProcess(extraArguments: ["--trusted", "127.0.0.1/32"])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let answering = try await engine.addAnsweringExtension("1002", name: "Szabó Erzsébet")
        defer { answering.stop() }
        let session = try await engine.console()
        defer { session.close() }
        let caller = try engine.callFromSipp(to: "1002")
        defer { caller.stop() }
        try await session.waitFor("→ 1002 Szabó Erzsébet", "answered")

        // The answering extension parks its caller on slot 4, as its phone's transfer would.
        let listed = try Shell.run(
            EngineProcess.binary("vpbx"), ["call", "list", "--json", "--socket", engine.socketPath]).output
        let id = try #require(listed.firstMatch(of: /"id" : "([0-9a-f-]+)"/)?.1, "\(listed)")
        try engine.vpbx(["call", "transfer", String(id), "--to", "*704"])
        let parked = try await session.waitFor("slot 4", "parked by 1002 Szabó")
        #expect(!parked.contains("no calls in progress"))

        // Off the lot: the operator hangs the parked call up, the row goes.
        try engine.vpbx(["call", "hangup", String(id)])
        try await session.waitFor("no calls in progress")
        try session.send("q")
        try await session.waitUntilEnded()
    }
}
