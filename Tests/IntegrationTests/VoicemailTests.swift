import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Mailbox settings and `vpbx vm` through the real CLI and engine (the call flows that
    /// leave and play messages come with their own tests).
    @Suite("Voicemail")
    struct VoicemailTests {
        @Test("a mailbox with a PIN: bad PINs refused, empty list, unknown ids, off and on, kept across a restart")
        func mailboxSettings() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let plain = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller])
                #expect(!plain.voicemail && plain.voicemailMaxSeconds == nil)
                let none = try await pbx.cli.run(["vm", "list", Fixture.caller])
                #expect(none.exitCode == 1 && none.stderr.contains("not_found"))

                // The CLI refuses a malformed PIN itself (usage, 2); the engine refuses what
                // reaches it by another road (1, invalid_argument), and a box without a PIN.
                let short = try await pbx.cli.run(["ext", "set", Fixture.caller, "--voicemail", "on", "--vm-pin", "12"])
                #expect(short.exitCode == 2 && short.stderr.contains("--vm-pin"))
                let letters = try await pbx.cli.run(
                    ["rpc", "extension.update", #"{"number":"1001","voicemail":true,"voicemailPin":"12ab"}"#])
                #expect(letters.exitCode == 1 && letters.stderr.contains("invalid_argument"))
                let noPIN = try await pbx.cli.run(["ext", "set", Fixture.caller, "--voicemail", "on"])
                #expect(noPIN.exitCode == 1 && noPIN.stderr.contains("PIN"))
                #expect(try await !pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller]).voicemail)

                let enabled = try await pbx.cli.json(
                    ExtensionInfo.self,
                    ["ext", "set", Fixture.caller, "--voicemail", "on", "--vm-pin", "4711", "--vm-max-seconds", "120"])
                #expect(enabled.voicemail && enabled.voicemailMaxSeconds == 120)
                let shown = try await pbx.cli.run(["ext", "show", Fixture.caller])
                #expect(!shown.stdout.contains("4711") && !shown.stdout.lowercased().contains("pin"))

                let empty = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.caller])
                #expect(empty.messages.isEmpty && empty.newCount == 0 && empty.oldCount == 0 && empty.enabled)
                let table = try await pbx.cli.run(["vm", "list", Fixture.caller], json: false)
                #expect(table.succeeded && table.stdout.contains("0 new, 0 old"))

                let unknown = UUID().uuidString.lowercased()
                for command in [["vm", "delete", unknown], ["vm", "export", unknown, pbx.scratch.file("x.wav").path]] {
                    let result = try await pbx.cli.run(command)
                    #expect(result.exitCode == 1 && result.stderr.contains("not_found"), "\(result.summary)")
                }
                let existing = pbx.scratch.file("exists.wav")
                try Data("keep".utf8).write(to: existing)
                let overwrite = try await pbx.cli.run(["vm", "export", unknown, existing.path])
                #expect(overwrite.exitCode == 2 && overwrite.stderr.contains("--force"))
                #expect(try Data(contentsOf: existing) == Data("keep".utf8))

                let disabled = try await pbx.cli.json(
                    ExtensionInfo.self, ["ext", "set", Fixture.caller, "--voicemail", "off"])
                #expect(!disabled.voicemail && disabled.voicemailMaxSeconds == 120)
                #expect(try await !pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.caller]).enabled)

                try await pbx.restart()
                let afterRestart = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.caller])
                #expect(!afterRestart.voicemail && afterRestart.voicemailMaxSeconds == 120)
                // Switching back on keeps the PIN set before: none is needed.
                let again = try await pbx.cli.json(
                    ExtensionInfo.self, ["ext", "set", Fixture.caller, "--voicemail", "on"])
                #expect(again.voicemail)

                // A new extension can get its box at creation.
                let created = try await pbx.cli.json(
                    ExtensionInfo.self,
                    [
                        "ext", "add", "1002", "--name", "B", "--password", "pw-1002-x", "--voicemail", "on", "--vm-pin",
                        "123456",
                    ])
                #expect(created.voicemail && created.voicemailMaxSeconds == 180)
                let list = try await pbx.extensions()
                #expect(list.filter(\.voicemail).map(\.number) == ["1001", "1002"])
            }
        }

        @Test(
            "a message file without a row (a crash between file and row) is indexed at start, exported, heard, deleted")
        func recoveredMessage() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed(["ext", "set", Fixture.caller, "--voicemail", "on", "--vm-pin", "4711"])
                let id = UUID().uuidString.lowercased()
                let file = URL(fileURLWithPath: pbx.options.dataDirectory)
                    .appendingPathComponent("voicemail/\(Fixture.caller)/\(id).wav")
                try await Sox.sine(file, rate: 8000, channels: 1, seconds: 1.5, frequency: 1000, scratch: pbx.scratch)
                try await pbx.restart()

                let box = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.caller])
                #expect(box.newCount == 1 && box.oldCount == 0)
                let message = try #require(box.messages.first)
                #expect(message.id == id && message.caller == "unknown" && message.durationMilliseconds == 1500)
                let table = try await pbx.cli.run(["vm", "list", Fixture.caller], json: false)
                #expect(table.stdout.contains(id) && table.stdout.contains("1.5") && table.stdout.contains("new"))

                let exported = pbx.scratch.file("exported.wav")
                try await pbx.cli.succeed(["vm", "export", id, exported.path])
                #expect(try Data(contentsOf: exported) == Data(contentsOf: file))
                let again = try await pbx.cli.run(["vm", "export", id, exported.path])
                #expect(again.exitCode == 2)
                try await pbx.cli.succeed(["vm", "export", id, exported.path, "--force"])

                let heard = try await pbx.cli.json(
                    VoicemailMessageInfo.self, ["rpc", "voicemail.markHeard", #"{"id":"\#(id)"}"#])
                #expect(heard.folder == .old)
                let deleted = try await pbx.cli.json(VoicemailMessageInfo.self, ["vm", "delete", id])
                #expect(deleted.id == id && !FileManager.default.fileExists(atPath: file.path))
                let empty = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.caller])
                #expect(empty.messages.isEmpty && empty.newCount == 0 && empty.oldCount == 0)
            }
        }
    }
}
