import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// `vpbx backup` against the real engine while a call talks, and `vpbx-engine --restore`
    /// bringing the copy up as a new engine's database.
    @Suite("Backup and restore")
    struct BackupTests {
        @Test("a backup taken during a call leaves the call talking; the copy restores into an engine with the call's record")
        func backupDuringACallRestores() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.cli.succeed([
                    "trunk", "add", "telekom", "--host", "127.0.0.2:5099", "--username", "3612345600", "--password",
                    "trunk-secret",
                ])
                let (callerProcess, callee, call) = try await DrainCallTests.talkingCall(pbx, ears: (callerEar, calleeEar))

                let backups = pbx.scratch.file("backups").path
                try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
                let during = try await pbx.cli.json(EngineBackup.Result.self, ["backup", backups + "/during.db"])
                #expect(during.extensions == 2 && during.writesPending == 0, "\(during)")
                #expect(during.schema.hasPrefix("v") && during.bytes > 0, "\(during)")
                // The call goes on through the backup: both still hear each other afterwards.
                let heardBefore = calleeEar.receivedAudio.count
                try await Task.sleep(for: .milliseconds(800))
                let heardAfter = Array(calleeEar.receivedAudio.dropFirst(heardBefore))
                #expect(heardAfter.count >= 4000, "\(heardAfter.count) samples in 0.8 s after the backup")
                #expect(
                    Goertzel.amplitude(of: TrunkCallTests.callerTone, in: heardAfter) > 1000,
                    "the callee still hears the caller after the backup")
                #expect(try await pbx.liveCalls().contains { $0.id == call.id })

                let again = try await pbx.cli.run(["backup", backups + "/during.db"])
                #expect(again.exitCode == 1 && again.stderr.contains("never overwrites"), "\(again.summary)")
                let nowhere = try await pbx.cli.run(["backup", backups + "/no/such/dir/x.db"])
                #expect(nowhere.exitCode == 1 && nowhere.stderr.contains("no directory"), "\(nowhere.summary)")

                try await pbx.cli.succeed(["call", "hangup", call.id])
                try (await callerProcess.finish()).requireSuccess()
                try (await callee.finish()).requireSuccess()
                let record = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                // Asked for right after the hang-up: the call's record is in the copy, not in memory.
                let after = try await pbx.cli.json(EngineBackup.Result.self, ["backup", backups + "/after.db"])
                #expect(during.callRecords <= 1 && after.callRecords == 1, "\(during) \(after)")
                let text = try await pbx.cli.run(["backup", backups + "/text.db"], json: false)
                #expect(text.stdout.contains("2 extensions") && text.stdout.contains("recordings,prompts,moh"), "\(text.stdout)")

                // A new data directory from the copy: its database, then an engine on it.
                let restored = pbx.scratch.file("restored").path
                let engine = try PackageLayout.executable("vpbx-engine")
                let out = pbx.scratch.file("restore.out")
                let err = pbx.scratch.file("restore.err")
                let status = try await ChildProcess.run(
                    engine, ["--data-dir", restored, "--restore", backups + "/after.db"], stdout: out, stderr: err,
                    timeout: .seconds(20))
                let said = String(decoding: FileManager.default.contents(atPath: out.path) ?? Data(), as: UTF8.self)
                #expect(status == 0 && said.contains("2 extensions"), "\(String(describing: status)): \(said)")
                let twice = try await ChildProcess.run(
                    engine, ["--data-dir", restored, "--restore", backups + "/after.db"], stdout: out, stderr: err,
                    timeout: .seconds(20))
                let refused = String(decoding: FileManager.default.contents(atPath: err.path) ?? Data(), as: UTF8.self)
                #expect(twice == 1 && refused.contains("move it"), "\(String(describing: twice)): \(refused)")

                try await pbx.restart { $0.dataDirectory = restored }
                let extensions = try await pbx.cli.json([ExtensionInfo].self, ["ext", "list"])
                #expect(extensions.map(\.number).sorted() == [Fixture.caller, Fixture.callee])
                let trunk = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "telekom"])
                #expect(trunk.hasPassword && trunk.username == "3612345600", "\(trunk)")
                let restoredRecord = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(restoredRecord.id == record.id && restoredRecord.disposition == .answered, "\(restoredRecord)")
            }
        }
    }
}
