import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// `vpbx stop --refuse-new` against the real engine: a call up goes on, a new one gets
    /// 503 from sipp's point of view, and the engine exits 0 by itself when the call ends.
    @Suite("Stopping without cutting calls")
    struct DrainCallTests {
        @Test("stop --refuse-new: the call up talks on, a new call gets 503, the engine exits 0 after the hang-up")
        func refuseNewThenExit() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let callee = try await TrunkCallTests.answeringExtension(pbx, ear: calleeEar)
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let call = try await TrunkCallTests.talk(pbx, callerEar: callerEar, calleeEar: calleeEar)

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
    }
}
