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

        /// 1001 calls 1002 (a sipp phone answering at once); once the call is answered and its
        /// media anchored, the caller's ear sends 500 Hz and the callee's 1000 Hz.
        /// `recording`: the extension set to record its calls first, if any.
        struct TalkingCall {
            let call: CallInfo
            let caller: SippProcess
            let callee: SippProcess
            let callerEar: RTPCapture
            let calleeEar: RTPCapture

            static func start(_ pbx: TestPBX, recording: String?) async throws -> TalkingCall {
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let calleePhone = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: calleePhone, number: Fixture.callee))
                if let recording { try await pbx.cli.succeed(["ext", "set", recording, "--record", "on"]) }
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
                callerEar.talk(frequency: callerTone, to: UInt16(call.legs![0].mediaPort!))
                calleeEar.talk(frequency: calleeTone, to: UInt16(call.legs![1].mediaPort!))
                return TalkingCall(call: call, caller: callerProcess, callee: calleeProcess, callerEar: callerEar, calleeEar: calleeEar)
            }

            /// Hangs up from the console and waits for both phones to end cleanly.
            func hangUp(_ pbx: TestPBX) async throws {
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await caller.finish()
                let calleeResult = await callee.finish()
                stopEars()
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
            }

            func stopEars() {
                callerEar.stop()
                calleeEar.stop()
            }
        }

        /// The caller's tone on the left channel and the callee's on the right, in the
        /// talking part of `wav` (away from the answer and the hang-up).
        static func expectCallerLeftCalleeRight(_ wav: WAVFile) {
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
        }

        /// A recording key (64 hex digits, mode 600) next to the test's data directory, given
        /// to the engine with `--recording-key`; returns its fingerprint as the engine shows it.
        @discardableResult
        static func useRecordingKey(_ options: inout EngineOptions) throws -> String {
            let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let path = (options.dataDirectory as NSString).deletingLastPathComponent + "/recording.key"
            try Data(key.map { String(format: "%02x", $0) }.joined().utf8).write(to: URL(fileURLWithPath: path))
            guard chmod(path, 0o600) == 0 else { throw HarnessError("cannot chmod \(path)") }
            options.recordingKeys = [path]
            return SHA256.hash(data: Array("vpbx recording key".utf8) + key).prefix(8).map { String(format: "%02x", $0) }.joined()
        }

        @Test("a recorded call: two channels, caller left and callee right, its length; export and delete audited")
        func recordedCall() async throws {
            try await TestPBX.run { pbx in
                let talk = try await TalkingCall.start(pbx, recording: Fixture.caller)
                let call = talk.call
                let shown = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller])
                #expect(shown.recordCalls)
                let running = try await eventually("the recording listed while the call goes on") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first
                }
                #expect(running.id == call.id && running.state == "recording")
                // Not exportable while it is being written.
                let early = try await pbx.cli.run(["rec", "export", running.id, pbx.scratch.file("early.wav").path])
                #expect(early.exitCode == 1, "\(early.summary)")
                try await Task.sleep(for: .seconds(3))
                try await talk.hangUp(pbx)

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
                Self.expectCallerLeftCalleeRight(wav)

                // Kept longer (a complaint), not beyond ten years from its start.
                let inTwoYears = Calendar(identifier: .gregorian).date(byAdding: .year, value: 2, to: finished.startedAt)!
                let day = ISO8601DateFormatter.string(from: inTwoYears, timeZone: .gmt, formatOptions: [.withFullDate])
                let kept = try await pbx.cli.json(
                    RecordingInfo.self, ["rec", "retain", finished.id, "--until", day, "--reason", "complaint 311"])
                #expect(abs(kept.retainUntil.timeIntervalSince(inTwoYears)) < 2 * 86_400, "\(kept.retainUntil)")
                let tooLong = try await pbx.cli.run(["rec", "retain", finished.id, "--until", "2040-01-01", "--reason", "x"])
                #expect(tooLong.exitCode == 1 && tooLong.stderr.contains("ten years"), "\(tooLong.summary)")

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
                #expect(
                    actions == ["recording.started", "recording.finished", "recording.exported", "recording.retained", "recording.deleted"],
                    "\(actions)")
                #expect(audit.entries.first { $0.action == "recording.retained" }?.detail?.hasSuffix(": complaint 311") == true)
                let export = try #require(audit.entries.first { $0.action == "recording.exported" })
                #expect(export.actor == "uid \(getuid()) (admin)")
                #expect(audit.entries.first { $0.action == "recording.deleted" }?.detail == "erasure request 17")
            }
        }

        @Test("a call of extensions that do not record leaves no recording")
        func unrecordedCall() async throws {
            try await TestPBX.run { pbx in
                let talk = try await TalkingCall.start(pbx, recording: nil)
                try await Task.sleep(for: .seconds(1))
                try await talk.hangUp(pbx)
                _ = try await eventually("the call's record") { try await pbx.cdrs().first { $0.disposition == .answered } }
                #expect(try await pbx.cli.json([RecordingInfo].self, ["rec", "list", "--deleted"]).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: pbx.options.dataDirectory + "/recordings"))
            }
        }

        @Test("--recording-key: the file on disk is ciphertext; the export is the WAV, its hash the stored one, the tones in place")
        func encryptedRecording() async throws {
            var fingerprint = ""
            try await TestPBX.run(configure: { fingerprint = try Self.useRecordingKey(&$0) }) { pbx in
                let status = try await pbx.cli.json(StatusReport.self, ["status"])
                #expect(status.status.recordingKey == fingerprint && status.status.recordingsUnreadable == nil)
                let keyFiles = pbx.options.recordingKeys
                let talk = try await TalkingCall.start(pbx, recording: Fixture.caller)
                try await Task.sleep(for: .seconds(3))
                try await talk.hangUp(pbx)
                let finished = try await eventually("the recording finished") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "complete" }
                }
                #expect(finished.path.hasSuffix("/\(talk.call.id).wav.enc"), "\(finished.path)")
                #expect((2_500...6_000).contains(finished.durationMs), "\(finished.durationMs) ms")
                let onDisk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pbx.options.dataDirectory + "/" + finished.path)))
                #expect(Array(onDisk.prefix(8)) == Array("VPBXREC1".utf8))
                #expect(Array(onDisk[8..<16]).map { String(format: "%02x", $0) }.joined() == fingerprint)
                #expect(!String(decoding: onDisk, as: UTF8.self).contains("RIFF"))
                // The audio is not there in the clear: the file's bytes are evenly spread
                // (a G.711 tone decoded to PCM is far from it).
                var counts = [Int](repeating: 0, count: 256)
                for byte in onDisk.dropFirst(32) { counts[Int(byte)] += 1 }
                let expected = Double(onDisk.count - 32) / 256
                #expect(counts.allSatisfy { abs(Double($0) - expected) < expected * 0.4 }, "byte counts \(counts.min()!)...\(counts.max()!)")

                let exported = pbx.scratch.file("exported.wav")
                try await pbx.cli.succeed(["rec", "export", finished.id, exported.path])
                let bytes = try [UInt8](Data(contentsOf: exported))
                #expect(bytes.count == finished.bytes)
                #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == finished.sha256)
                let wav = try WAVReader.read(bytes, name: "exported.wav")
                #expect(wav.format.channels == 2 && abs(wav.durationMilliseconds - finished.durationMs) <= 1)
                Self.expectCallerLeftCalleeRight(wav)

                // Restarted without its key, the engine says it cannot read them (and records plain).
                try await pbx.restart { $0.recordingKeys = [] }
                let keyless = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(keyless.recordingKey == nil && keyless.recordingsUnreadable == 1 && keyless.recordingOff == nil)
                let human = try await pbx.cli.run(["status"], json: false)
                #expect(human.stdout.contains("1 ENCRYPTED ones cannot be read without their key"), "\(human.stdout)")
                try await pbx.restart { $0.recordingKeys = keyFiles }

                // Deleting removes the ciphertext like a plain file.
                try await pbx.cli.succeed(["rec", "delete", finished.id, "--reason", "test"])
                #expect(!FileManager.default.fileExists(atPath: pbx.options.dataDirectory + "/" + finished.path))
            }
        }

        @Test(
            "a crash during a recorded call loses no audio: the next start finishes the file from what reached the disk",
            arguments: [false, true])
        func crashDuringARecordedCall(encrypted: Bool) async throws {
            try await TestPBX.run(configure: { if encrypted { try Self.useRecordingKey(&$0) } }) { pbx in
                let talk = try await TalkingCall.start(pbx, recording: Fixture.callee)
                defer { talk.stopEars() }
                // Recording because the callee records its calls; 3 s of it reach the disk
                // (written about once a second).
                let running = try await eventually("the recording running") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "recording" }
                }
                try await Task.sleep(for: .seconds(3.5))
                try await pbx.crashAndRestart()
                // The phones' call died with the engine.
                await talk.caller.kill()
                await talk.callee.kill()

                let recovered = try await eventually("the recording finished after the restart") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.id == running.id && $0.state == "complete" }
                }
                // Written about once a second, sealed a second at a time when encrypted.
                #expect((encrypted ? 1_000 : 2_000)...4_000 ~= recovered.durationMs, "\(recovered.durationMs) ms survived")
                #expect(recovered.path.hasSuffix(encrypted ? ".wav.enc" : ".wav"), "\(recovered.path)")
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

        @Test("vpbx call record: a call recorded on demand, paused for two seconds (silence in the file), resumed; audited")
        func pausedRecording() async throws {
            try await TestPBX.run { pbx in
                let talk = try await TalkingCall.start(pbx, recording: nil)
                let call = talk.call
                #expect(call.recording == nil)
                let bad = try await pbx.cli.run(["call", "record", call.id, "pause"])
                #expect(bad.exitCode == 1, "not recorded yet: \(bad.summary)")

                let started = try await pbx.cli.json(CallInfo.self, ["call", "record", call.id, "start"])
                #expect(started.recording == "on")
                try await Task.sleep(for: .seconds(1.5))
                let paused = try await pbx.cli.json(CallInfo.self, ["call", "record", call.id, "pause"])
                #expect(paused.recording == "paused")
                try await Task.sleep(for: .seconds(2))
                _ = try await pbx.cli.json(CallInfo.self, ["call", "record", call.id, "resume"])
                try await Task.sleep(for: .seconds(1.5))
                try await talk.hangUp(pbx)

                let finished = try await eventually("the recording finished") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "complete" }
                }
                #expect((4_000...7_000).contains(finished.durationMs), "\(finished.durationMs) ms")
                let exported = pbx.scratch.file("paused.wav")
                try await pbx.cli.succeed(["rec", "export", finished.id, exported.path])
                let wav = try WAVReader.read(try [UInt8](Data(contentsOf: exported)), name: "paused.wav")
                /// Both channels of the file between two times, as one list of samples.
                func between(_ from: Double, _ to: Double) -> (left: [Int16], right: [Int16]) {
                    let range = Int(from * 8000)..<min(Int(to * 8000), wav.samples.count / 2)
                    return (range.map { wav.samples[2 * $0] }, range.map { wav.samples[2 * $0 + 1] })
                }
                let before = between(0.4, 1.2)
                let during = between(2.1, 3.2)
                let after = between(Double(finished.durationMs) / 1000 - 1.1, Double(finished.durationMs) / 1000 - 0.3)
                #expect(Goertzel.amplitude(of: Self.callerTone, in: before.left) > 1500)
                #expect(Goertzel.amplitude(of: Self.calleeTone, in: before.right) > 1500)
                let loudest = (during.left + during.right).map { abs(Int($0)) }.max() ?? -1
                #expect(loudest == 0, "paused, yet the file has audio up to \(loudest)")
                #expect(Goertzel.amplitude(of: Self.callerTone, in: after.left) > 1500)
                #expect(Goertzel.amplitude(of: Self.calleeTone, in: after.right) > 1500)

                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                let actions = audit.entries.filter { $0.object == "recording \(call.id)" }.map(\.action)
                #expect(
                    actions == ["recording.started", "recording.paused", "recording.resumed", "recording.finished", "recording.exported"],
                    "\(actions)")
                #expect(audit.entries.first { $0.action == "recording.started" }?.detail?.hasSuffix("asked for by uid \(getuid()) (admin)") == true)
            }
        }
    }
}
