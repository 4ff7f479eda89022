import Foundation
import Logging
import Testing
import VPBXStore

@testable import VPBXEngine

/// Voicemail by email when the mail command fails: the message's row keeps the address
/// until the command took the email, tries go on after a wait, and a start sends what is
/// left (`VoicemailMailer`), over a real SQLite file and a mail command that is a script.
@Suite("Voicemail email retries", .timeLimit(.minutes(1)))
struct VoicemailEmailRetryTests {
    /// A mail command writing each email to `outbox/<n>.eml`, that fails (exit 75, as
    /// sendmail's "try again later") while `outbox/broken` exists, and counts its runs in
    /// `outbox/runs`.
    final class MailCommandScript: Sendable {
        let outbox: URL

        init() throws {
            outbox = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-mail-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            let script = outbox.appendingPathComponent("sendmail.sh")
            try """
            #!/bin/sh
            echo run >> "$1/runs"
            [ -e "$1/broken" ] && { cat > /dev/null; echo "relay down" >&2; exit 75; }
            n=$(ls "$1" | grep -c '\\.eml$')
            cat > "$1/$n.eml.part" && mv "$1/$n.eml.part" "$1/$n.eml"
            """.write(to: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        }

        var command: [String] { [outbox.appendingPathComponent("sendmail.sh").path, outbox.path] }

        func breakIt() throws { try Data().write(to: outbox.appendingPathComponent("broken")) }
        func mendIt() throws { try FileManager.default.removeItem(at: outbox.appendingPathComponent("broken")) }

        var runs: Int {
            ((try? String(contentsOf: outbox.appendingPathComponent("runs"), encoding: .utf8)) ?? "")
                .split(separator: "\n").count
        }

        var emails: [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
            return names.filter { $0.hasSuffix(".eml") }.sorted().compactMap {
                try? String(contentsOf: outbox.appendingPathComponent($0), encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: outbox) }
    }

    struct TimedOut: Error, CustomStringConvertible { let description: String }

    /// Polls `probe` every 10 ms until it gives a value, for up to 10 s.
    static func waitFor<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimedOut(description: "timed out after 10 s waiting for \(what)")
    }

    static func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        _ = try await waitFor(what) { try await condition() ? true : nil }
    }

    private func mailer(_ fixture: EngineVoicemailTests.Fixture, _ script: MailCommandScript, retryAfter: TimeInterval)
        -> VoicemailMailer
    {
        VoicemailMailer(
            command: script.command, from: "vpbx@test.invalid",
            extensions: GRDBExtensionRepository(database: fixture.database), voicemail: fixture.repository,
            files: fixture.files, logger: Logger(label: "test"), retryDelays: [retryAfter])
    }

    private func withEmail(_ fixture: EngineVoicemailTests.Fixture) async throws {
        try await fixture.repository.upsertMailbox(
            MailboxRecord(extensionNumber: "1001", pinHash: VoicemailPIN.hash("4711"), email: "eva@example.hu"))
    }

    @Test("a message left while the mail command fails is mailed once it works, once, to the box's address of then, and its row says so")
    func triesAgainUntilTheCommandTakesIt() async throws {
        let fixture = try await EngineVoicemailTests.Fixture()
        let script = try MailCommandScript()
        defer {
            fixture.remove()
            script.remove()
        }
        try await withEmail(fixture)
        try script.breakIt()
        let service = EngineVoicemail(
            repository: fixture.repository, files: fixture.files, logger: Logger(label: "test"),
            mailer: mailer(fixture, script, retryAfter: 0.2))
        try await service.store(
            mailbox: "1001", caller: "+3612345678", callerName: nil, callID: nil, samples: EngineVoicemailTests.tone,
            receivedAt: Date())
        let left = try #require(try await fixture.repository.messagesAwaitingEmail().first)
        #expect(left.emailTo == "eva@example.hu" && left.emailedAt == nil)
        try await Self.waitFor("two failed tries") { script.runs >= 2 }
        #expect(script.emails.isEmpty)
        // The administrator corrects the address meanwhile: the pending email follows it.
        try await fixture.repository.upsertMailbox(
            MailboxRecord(extensionNumber: "1001", pinHash: VoicemailPIN.hash("4711"), email: "eva.kovacs@example.hu"))
        try script.mendIt()
        let mailed = try await Self.waitFor("the email taken and recorded") {
            try await fixture.repository.message(id: left.id).flatMap(\.emailedAt)
        }
        #expect(mailed.timeIntervalSinceNow < 5)
        #expect(try await fixture.repository.messagesAwaitingEmail().isEmpty)
        let runs = script.runs
        try await Task.sleep(for: .milliseconds(600))
        #expect(script.runs == runs, "no try after the command took it")
        #expect(script.emails.count == 1)
        #expect(script.emails.first?.contains("Message-ID: <\(left.id.uuidString.lowercased())@vpbx>") == true)
        #expect(script.emails.first?.contains("To: <eva.kovacs@example.hu>") == true)
    }

    @Test("at start the messages still to be mailed are sent; one left more than five days ago, deleted, or of a box without an address now, is not")
    func aStartSendsWhatIsLeft() async throws {
        let fixture = try await EngineVoicemailTests.Fixture()
        let script = try MailCommandScript()
        defer {
            fixture.remove()
            script.remove()
        }
        let now = Date()
        func message(leftDaysAgo days: Double) async throws -> VoicemailMessageRecord {
            let id = UUID()
            let path = try fixture.files.writeMessage(mailbox: "1001", id: id, samples: EngineVoicemailTests.tone)
            let record = VoicemailMessageRecord(
                id: id, mailbox: "1001", caller: "+3612345678", receivedAt: now.addingTimeInterval(-days * 86_400),
                durationMilliseconds: 2000, audioPath: path, emailTo: "eva@example.hu")
            try await fixture.repository.addMessage(record)
            return record
        }
        let stale = try await message(leftDaysAgo: 6)
        let yesterday = try await message(leftDaysAgo: 1)
        let deleted = try await message(leftDaysAgo: 0.5)
        let mailedBefore = try await message(leftDaysAgo: 0.1)
        try await fixture.repository.markEmailed(id: mailedBefore.id, at: now)
        try await EngineVoicemail(repository: fixture.repository, files: fixture.files, logger: Logger(label: "test"))
            .delete(messageID: deleted.id.uuidString)
        #expect(try await fixture.repository.messagesAwaitingEmail().map(\.id) == [stale.id, yesterday.id])

        try await withEmail(fixture)
        await mailer(fixture, script, retryAfter: 60).resumeAwaiting(now: now)
        try await Self.waitFor("yesterday's message mailed") {
            try await fixture.repository.message(id: yesterday.id)?.emailedAt != nil
        }
        #expect(try await fixture.repository.messagesAwaitingEmail().map(\.id) == [stale.id])
        #expect(script.emails.count == 1 && script.runs == 1)
        #expect(script.emails.first?.contains(yesterday.id.uuidString.lowercased()) == true)

        // A box whose address was removed since: its messages wait, unmailed.
        let today = try await message(leftDaysAgo: 0.01)
        try await fixture.repository.upsertMailbox(
            MailboxRecord(extensionNumber: "1001", pinHash: VoicemailPIN.hash("4711"), email: nil))
        await mailer(fixture, script, retryAfter: 60).resumeAwaiting(now: now)
        try await Task.sleep(for: .milliseconds(300))
        #expect(script.runs == 1, "mailed to a box without an address")
        #expect(try await fixture.repository.messagesAwaitingEmail().map(\.id) == [stale.id, today.id])
    }
}
