import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// `vpbx stop --refuse-new` against the real engine: a call up goes on, a new one gets
    /// 503 from sipp's point of view, and the engine exits 0 by itself when the call ends.
    @Suite("Stopping without cutting calls")
    struct DrainCallTests {
        /// 1001 calls 1002 (a sipp phone at a static contact); both talk (``TrunkCallTests/talk``).
        static func talkingCall(_ pbx: TestPBX, ears: (caller: RTPCapture, callee: RTPCapture)) async throws
            -> (caller: SippProcess, callee: SippProcess, call: LiveCall)
        {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            let callee = try await TrunkCallTests.answeringExtension(pbx, ear: ears.callee)
            let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                .key("rtp_listen", String(ears.caller.port))
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let callerProcess = try pbx.start(caller, name: "caller")
            let call = try await TrunkCallTests.talk(pbx, callerEar: ears.caller, calleeEar: ears.callee)
            return (callerProcess, callee, call)
        }

        @Test("stop --refuse-new: the call up talks on, a new call gets 503, the engine exits 0 after the hang-up")
        func refuseNewThenExit() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let (callerProcess, callee, call) = try await Self.talkingCall(pbx, ears: (callerEar, calleeEar))

                let bad = try await pbx.cli.run(["stop"])
                #expect(bad.exitCode == 2 && bad.stderr.contains("--when-idle"), "\(bad.summary)")
                let stopping = try await pbx.cli.json(EngineDrain.Result.self, ["stop", "--refuse-new"])
                #expect(stopping.draining == "refuse-new" && stopping.activeCalls == 1, "\(stopping)")
                let second = try pbx.phone(.callExpectServiceUnavailable).service(Fixture.callee).caller(Fixture.caller)
                try await pbx.run(second, name: "second-caller").requireSuccess()
                let status = try await pbx.cli.run(["status"], json: false)
                #expect(status.stdout.contains("STOPPING") && status.stdout.contains("1 new calls"), "\(status.stdout)")

                let heardBefore = calleeEar.receivedAudio.count
                try await Task.sleep(for: .milliseconds(600))
                let heardAfter = Array(calleeEar.receivedAudio.dropFirst(heardBefore))
                #expect(Goertzel.amplitude(of: TrunkCallTests.callerTone, in: heardAfter) > 1000, "the call talks on")
                #expect(pbx.engine.isRunning, "a call is up: the engine waits")

                try await pbx.cli.succeed(["call", "hangup", call.id])
                try (await callerProcess.finish()).requireSuccess()
                try (await callee.finish()).requireSuccess()
                _ = try await eventually("the engine to exit by itself", timeout: .seconds(15)) {
                    pbx.engine.isRunning ? nil : true
                }
                #expect(pbx.engine.logTail(lines: 40).contains("drained: no call left, shutting down"))
                // Exit status 0 (restart requires it), and the call's record is a normal one.
                try await pbx.restart()
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered && cdr.cause != "engine_shutdown", "\(cdr)")
            }
        }

        @Test("stop --when-idle, then --cancel: the call ends and the engine runs on; --when-idle without calls exits at once")
        func whenIdleAndCancel() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let (callerProcess, callee, call) = try await Self.talkingCall(pbx, ears: (callerEar, calleeEar))
                let console = try EventFollower(pbx.cli, topics: ["engine"])
                _ = try await console.snapshotSeq()

                let idle = try await pbx.cli.json(EngineDrain.Result.self, ["stop", "--when-idle"])
                #expect(idle.draining == "when-idle" && idle.activeCalls == 1, "\(idle)")
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.draining == "when-idle" && status.drainingSince != nil, "\(status)")
                let cancelled = try await pbx.cli.json(EngineDrain.Result.self, ["stop", "--cancel"])
                #expect(cancelled.draining == nil, "\(cancelled)")
                // A console following the engine heard both, in order (the TUI's title bar).
                let heard = try await eventually("both drain events at the console") {
                    let events = try console.events().filter { $0.type == "engine.draining" }
                    return events.count >= 2 ? events : nil
                }
                #expect(heard.map { $0.data["draining"]?.stringValue } == ["when-idle", nil], "\(heard)")
                #expect(heard[0].data["activeCalls"]?.intValue == 1 && heard[0].data["since"]?.stringValue != nil)
                await console.stop()
                try await pbx.cli.succeed(["call", "hangup", call.id])
                try (await callerProcess.finish()).requireSuccess()
                try (await callee.finish()).requireSuccess()
                _ = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                try await Task.sleep(for: .seconds(1))
                #expect(pbx.engine.isRunning, "cancelled: the ended call does not stop the engine")
                #expect(try await pbx.cli.json(StatusReport.self, ["status"]).status.draining == nil)

                try await pbx.cli.succeed(["stop", "--when-idle"])
                _ = try await eventually("the idle engine to exit", timeout: .seconds(15)) {
                    pbx.engine.isRunning ? nil : true
                }
                try await pbx.restart()  // requires exit status 0
            }
        }
    }
}
