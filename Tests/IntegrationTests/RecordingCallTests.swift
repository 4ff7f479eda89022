import Crypto
import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// Call recording with real phones: 1001, which records its calls, calls 1002; the caller
    /// sends 500 Hz, the callee 1000 Hz. The exported file must hold the caller on the left
    /// channel and the callee on the right, for as long as the call talked, and match its
    /// SHA-256; the audit log must say who exported and deleted it.
    @Suite("Recording")
    struct RecordingCallTests {
        static let callerTone = 500.0
        static let calleeTone = 1000.0

        @Test("a recorded call: two channels, caller left and callee right, its length; export and delete audited")
        func recordedCall() async throws {
            try await TestPBX.run { pbx in
                let callerEar = try RTPCapture()
                let calleeEar = try RTPCapture()
                let calleePhone = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: calleePhone, number: Fixture.callee))
                try await pbx.cli.succeed(["ext", "set", Fixture.caller, "--record", "on"])
                let shown = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller])
                #expect(shown.recordCalls)

                let calleeProcess = try pbx.start(calleePhone, name: "callee")
                try await Task.sleep(for: .milliseconds(300))
                try await calleeProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let call = try await eventually("the call answered, its media anchored") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { call in
                        call.state == .answered && (call.legs ?? []).count == 2 && call.legs!.allSatisfy { $0.mediaPort != nil }
                    }
                }
                callerEar.talk(frequency: Self.callerTone, to: UInt16(call.legs![0].mediaPort!))
                calleeEar.talk(frequency: Self.calleeTone, to: UInt16(call.legs![1].mediaPort!))
                let running = try await eventually("the recording listed while the call goes on") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first
                }
                #expect(running.id == call.id && running.state == "recording")
                // Not exportable while it is being written.
                let early = try await pbx.cli.run(["rec", "export", running.id, pbx.scratch.file("early.wav").path])
                #expect(early.exitCode == 1, "\(early.summary)")
                try await Task.sleep(for: .seconds(3))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await callerProcess.finish()
                let calleeResult = await calleeProcess.finish()
                callerEar.stop()
                calleeEar.stop()
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()

                let finished = try await eventually("the recording finished") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "complete" }
                }
                #expect(finished.caller == Fixture.caller && finished.callee == Fixture.callee)
                #expect((2_500...6_000).contains(finished.durationMs), "\(finished.durationMs) ms")
                #expect(finished.path.hasPrefix("recordings/") && finished.path.hasSuffix("/\(call.id).wav"))
                let retention = finished.retainUntil.timeIntervalSince(finished.startedAt) / 86_400
                #expect(abs(retention - 365) < 0.01, "kept \(retention) days")

                let exported = pbx.scratch.file("exported.wav")
                try await pbx.cli.succeed(["rec", "export", finished.id, exported.path])
                let bytes = try [UInt8](Data(contentsOf: exported))
                #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == finished.sha256)
                let wav = try WAVReader.read(bytes, name: "exported.wav")
                #expect(wav.format.channels == 2 && wav.format.sampleRate == 8000)
                #expect(abs(wav.durationMilliseconds - finished.durationMs) <= 1)
                // The talking part, away from the answer and the hang-up.
                let frames = wav.samples.count / 2
                let window = (frames / 4)..<(frames * 3 / 4)
                let left = window.map { wav.samples[2 * $0] }
                let right = window.map { wav.samples[2 * $0 + 1] }
                let levels = "left 500: \(Goertzel.amplitude(of: 500, in: left)), 1000: \(Goertzel.amplitude(of: 1000, in: left)); "
                    + "right 500: \(Goertzel.amplitude(of: 500, in: right)), 1000: \(Goertzel.amplitude(of: 1000, in: right))"
                #expect(Goertzel.amplitude(of: Self.callerTone, in: left) > 1500, "\(levels)")
                #expect(Goertzel.amplitude(of: Self.calleeTone, in: left) < 300, "\(levels)")
                #expect(Goertzel.amplitude(of: Self.calleeTone, in: right) > 1500, "\(levels)")
                #expect(Goertzel.amplitude(of: Self.callerTone, in: right) < 300, "\(levels)")

                // Deleting needs a reason; then the audio is gone and the row says why.
                let noReason = try await pbx.cli.run(["rec", "delete", finished.id])
                #expect(noReason.exitCode == 2, "\(noReason.summary)")
                let deleted = try await pbx.cli.json(
                    RecordingInfo.self, ["rec", "delete", finished.id, "--reason", "erasure request 17"])
                #expect(deleted.state == "deleted" && deleted.deletedReason == "erasure request 17")
                #expect(!FileManager.default.fileExists(atPath: pbx.options.dataDirectory + "/" + finished.path))
                #expect(try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).isEmpty)
                #expect(try await pbx.cli.json([RecordingInfo].self, ["rec", "list", "--deleted"]).count == 1)
                let afterDelete = try await pbx.cli.run(["rec", "export", finished.id, pbx.scratch.file("gone.wav").path])
                #expect(afterDelete.exitCode == 1, "\(afterDelete.summary)")

                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                #expect(audit.brokenAtLine == nil)
                let actions = audit.entries.filter { $0.object == "recording \(finished.id)" }.map(\.action)
                #expect(actions == ["recording.started", "recording.finished", "recording.exported", "recording.deleted"], "\(actions)")
                let export = try #require(audit.entries.first { $0.action == "recording.exported" })
                #expect(export.actor == "uid \(getuid()) (admin)")
                #expect(audit.entries.first { $0.action == "recording.deleted" }?.detail == "erasure request 17")
            }
        }

        @Test("a call of extensions that do not record leaves no recording")
        func unrecordedCall() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                defer {
                    callerEar.stop()
                    calleeEar.stop()
                }
                let calleePhone = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: calleePhone, number: Fixture.callee))
                let calleeProcess = try pbx.start(calleePhone, name: "callee")
                try await Task.sleep(for: .milliseconds(300))
                try await calleeProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let call = try await eventually("the call answered") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .answered }
                }
                try await Task.sleep(for: .seconds(1))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                _ = await callerProcess.finish()
                _ = await calleeProcess.finish()
                _ = try await eventually("the call's record") { try await pbx.cdrs().first { $0.disposition == .answered } }
                #expect(try await pbx.cli.json([RecordingInfo].self, ["rec", "list", "--deleted"]).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: pbx.options.dataDirectory + "/recordings"))
            }
        }

        @Test("a crash during a recorded call loses no audio: the next start finishes the file from what reached the disk")
        func crashDuringARecordedCall() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                defer {
                    callerEar.stop()
                    calleeEar.stop()
                }
                let calleePhone = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: calleePhone, number: Fixture.callee))
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--record", "on"])
                let calleeProcess = try pbx.start(calleePhone, name: "callee")
                try await Task.sleep(for: .milliseconds(300))
                try await calleeProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let call = try await eventually("the call answered, its media anchored") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { call in
                        call.state == .answered && (call.legs ?? []).count == 2 && call.legs!.allSatisfy { $0.mediaPort != nil }
                    }
                }
                callerEar.talk(frequency: Self.callerTone, to: UInt16(call.legs![0].mediaPort!))
                calleeEar.talk(frequency: Self.calleeTone, to: UInt16(call.legs![1].mediaPort!))
                // Recording because the callee records its calls; 3 s of it reach the disk
                // (written about once a second).
                let running = try await eventually("the recording running") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "recording" }
                }
                try await Task.sleep(for: .seconds(3.5))
                try await pbx.crashAndRestart()
                // The phones' call died with the engine.
                await callerProcess.kill()
                await calleeProcess.kill()

                let recovered = try await eventually("the recording finished after the restart") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.id == running.id && $0.state == "complete" }
                }
                #expect((2_000...4_000).contains(recovered.durationMs), "\(recovered.durationMs) ms survived")
                let exported = pbx.scratch.file("recovered.wav")
                try await pbx.cli.succeed(["rec", "export", recovered.id, exported.path])
                let wav = try WAVReader.read(try [UInt8](Data(contentsOf: exported)), name: "recovered.wav")
                let frames = wav.samples.count / 2
                let right = ((frames / 2)..<frames).map { wav.samples[2 * $0 + 1] }
                #expect(Goertzel.amplitude(of: Self.calleeTone, in: right) > 1500)
                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                #expect(audit.brokenAtLine == nil)
                #expect(audit.entries.map(\.action).contains("recording.recovered"))
            }
        }
    }
}
