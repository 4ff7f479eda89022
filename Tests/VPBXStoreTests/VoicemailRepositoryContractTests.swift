import Foundation
import Testing
import VPBXStore

/// The voicemail contract, run against every backend.
@Suite("VoicemailRepository contract")
struct VoicemailRepositoryContractTests {
    static let hash = "sha256-iter$10000$00112233$aabbccdd"

    static func message(
        _ mailbox: String = "201", at second: TimeInterval, folder: VoicemailFolder = .new
    ) -> VoicemailMessageRecord {
        let id = UUID()
        return VoicemailMessageRecord(
            id: id, mailbox: mailbox, caller: "+3612345678", callerName: "Tóth Győző",
            receivedAt: TestClock.start.addingTimeInterval(second), durationMilliseconds: 4200, folder: folder,
            audioPath: "voicemail/\(mailbox)/\(id.uuidString.lowercased()).wav", callID: UUID().uuidString.lowercased())
    }

    @Test(arguments: StoreBackend.allCases)
    func mailboxUpsertKeepsCreationTime(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let created = try await repos.voicemail.upsertMailbox(
                MailboxRecord(extensionNumber: "201", pinHash: Self.hash))
            #expect(created.createdAt == TestClock.start && created.maxMessageSeconds == 180 && created.enabled)
            repos.clock.advance(by: 60)
            var changed = created
            changed.enabled = false
            changed.maxMessageSeconds = 60
            let updated = try await repos.voicemail.upsertMailbox(changed)
            #expect(updated.createdAt == TestClock.start && updated.updatedAt == TestClock.start.addingTimeInterval(60))
            #expect(try await repos.voicemail.mailbox("201") == updated)
            #expect(try await repos.voicemail.mailboxes() == [updated])
            #expect(try await repos.voicemail.deleteMailbox("201"))
            #expect(try await repos.voicemail.mailbox("201") == nil)
            #expect(try await !repos.voicemail.deleteMailbox("201"))
        }
    }

    /// What the engine's start reads at once: every message, every box's counts (the same
    /// as asked box by box; a box without messages is absent).
    @Test(arguments: StoreBackend.allCases)
    func mailboxEmailIsKeptAndChecked(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let box = try await repos.voicemail.upsertMailbox(
                MailboxRecord(extensionNumber: "201", pinHash: Self.hash, email: "toth.gyozo@example.hu"))
            #expect(try await repos.voicemail.mailbox("201")?.email == "toth.gyozo@example.hu")
            for bad in [
                "toth", "a@b", "a b@example.hu", "a@example.hu\r\nBcc: x@y.hu", "<a@example.hu>", "tóth@example.hu",
            ] {
                var changed = box
                changed.email = bad
                let refused = await #expect(throws: StoreError.self) {
                    try await repos.voicemail.upsertMailbox(changed)
                }
                #expect(refused?.kind == .invalidArgument, "\(bad)")
            }
            var cleared = box
            cleared.email = nil
            _ = try await repos.voicemail.upsertMailbox(cleared)
            #expect(try await repos.voicemail.mailbox("201")?.email == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func allMessagesAndCountsInOneRead(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            #expect(try await repos.voicemail.allMessages().isEmpty)
            #expect(try await repos.voicemail.allCounts().isEmpty)
            var added: [VoicemailMessageRecord] = []
            for number in ["201", "202", "203"] {
                _ = try await repos.extensions.create(Fixtures.extensionRecord(number))
                try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: number, pinHash: Self.hash))
            }
            for (mailbox, folder) in [("201", VoicemailFolder.new), ("201", .old), ("201", .new), ("202", .old)] {
                let message = Self.message(mailbox, at: Double(added.count), folder: folder)
                try await repos.voicemail.addMessage(message)
                added.append(message)
            }
            let all = try await repos.voicemail.allMessages()
            #expect(Set(all.map(\.id)) == Set(added.map(\.id)) && all.count == 4)
            let counts = try await repos.voicemail.allCounts()
            #expect(counts == ["201": VoicemailCounts(new: 2, old: 1), "202": VoicemailCounts(new: 0, old: 1)])
            for box in ["201", "202"] {
                #expect(try await repos.voicemail.counts(mailbox: box) == counts[box])
            }
        }
    }

    @Test(
        "the messages awaiting email are those with an address and no time, oldest first; marking one records the time and leaves the others",
        arguments: StoreBackend.allCases)
    func messagesAwaitingEmail(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: "201", pinHash: Self.hash))
            var later = Self.message(at: 20)
            later.emailTo = "eva@example.hu"
            var earlier = Self.message(at: 10)
            earlier.emailTo = "eva@example.hu"
            let unaddressed = Self.message(at: 5)
            for message in [later, earlier, unaddressed] { try await repos.voicemail.addMessage(message) }
            #expect(try await repos.voicemail.messagesAwaitingEmail().map(\.id) == [earlier.id, later.id])

            let sent = TestClock.start.addingTimeInterval(30)
            #expect(try await repos.voicemail.markEmailed(id: earlier.id, at: sent))
            #expect(try await repos.voicemail.messagesAwaitingEmail().map(\.id) == [later.id])
            let marked = try #require(try await repos.voicemail.message(id: earlier.id))
            #expect(marked.emailTo == "eva@example.hu" && marked.emailedAt == sent && !marked.awaitsEmail)
            #expect(try await !repos.voicemail.markEmailed(id: UUID(), at: sent), "no such message")
            #expect(try await repos.voicemail.message(id: unaddressed.id)?.emailTo == nil)
        }
    }

    /// What the dial plan reads on every extension change: only the enabled boxes' numbers.
    @Test(arguments: StoreBackend.allCases)
    func enabledMailboxNumbersLeaveOutDisabledBoxes(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            #expect(try await repos.voicemail.enabledMailboxNumbers().isEmpty)
            for number in ["201", "202", "1001"] {
                _ = try await repos.extensions.create(Fixtures.extensionRecord(number))
                try await repos.voicemail.upsertMailbox(
                    MailboxRecord(extensionNumber: number, enabled: number != "202", pinHash: Self.hash))
            }
            #expect(Set(try await repos.voicemail.enabledMailboxNumbers()) == ["201", "1001"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func mailboxNeedsItsExtensionAndValidFields(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let orphan = await #expect(throws: StoreError.self) {
                try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: "299", pinHash: Self.hash))
            }
            #expect(orphan?.kind == .notFound)
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            for bad in [
                MailboxRecord(extensionNumber: "201", pinHash: ""),
                MailboxRecord(extensionNumber: "201", pinHash: Self.hash, maxMessageSeconds: 5),
                MailboxRecord(extensionNumber: "201", pinHash: Self.hash, maxMessageSeconds: 601),
            ] {
                let error = await #expect(throws: StoreError.self) { try await repos.voicemail.upsertMailbox(bad) }
                #expect(error?.kind == .invalidArgument)
            }
            #expect(try await repos.voicemail.mailboxes().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func messagesListNewestFirstWithCounts(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            for number in ["201", "202"] {
                _ = try await repos.extensions.create(Fixtures.extensionRecord(number))
                try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: number, pinHash: Self.hash))
            }
            let first = Self.message(at: 10)
            let second = Self.message(at: 20, folder: .old)
            let third = Self.message(at: 30)
            let elsewhere = Self.message("202", at: 40)
            for message in [second, first, elsewhere, third] { try await repos.voicemail.addMessage(message) }

            #expect(try await repos.voicemail.messages(mailbox: "201") == [third, second, first])
            #expect(try await repos.voicemail.counts(mailbox: "201") == VoicemailCounts(new: 2, old: 1))
            #expect(try await repos.voicemail.counts(mailbox: "299") == VoicemailCounts(new: 0, old: 0))
            #expect(try await repos.voicemail.message(id: first.id) == first)

            let heard = try await repos.voicemail.setFolder(id: first.id, .old)
            #expect(heard.folder == .old)
            #expect(try await repos.voicemail.counts(mailbox: "201") == VoicemailCounts(new: 1, old: 2))
            #expect(try await repos.voicemail.deleteMessage(id: third.id))
            #expect(try await !repos.voicemail.deleteMessage(id: third.id))
            #expect(try await repos.voicemail.counts(mailbox: "201") == VoicemailCounts(new: 0, old: 2))
            let missing = await #expect(throws: StoreError.self) {
                try await repos.voicemail.setFolder(id: third.id, .old)
            }
            #expect(missing?.kind == .notFound)
            let twice = await #expect(throws: StoreError.self) { try await repos.voicemail.addMessage(first) }
            #expect(twice?.kind == .conflict)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deletingTheExtensionDeletesItsMailboxAndMessages(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: "201", pinHash: Self.hash))
            let message = Self.message(at: 1)
            try await repos.voicemail.addMessage(message)
            #expect(try await repos.extensions.delete("201"))
            #expect(try await repos.voicemail.mailbox("201") == nil)
            #expect(try await repos.voicemail.message(id: message.id) == nil)
            let orphan = await #expect(throws: StoreError.self) { try await repos.voicemail.addMessage(message) }
            #expect(orphan?.kind == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func invalidMessagesAreRefused(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            try await repos.voicemail.upsertMailbox(MailboxRecord(extensionNumber: "201", pinHash: Self.hash))
            var absolute = Self.message(at: 1)
            absolute.audioPath = "/etc/passwd"
            var escaping = Self.message(at: 1)
            escaping.audioPath = "voicemail/../../x.wav"
            var negative = Self.message(at: 1)
            negative.durationMilliseconds = -1
            var noCaller = Self.message(at: 1)
            noCaller.caller = ""
            for bad in [absolute, escaping, negative, noCaller] {
                let error = await #expect(throws: StoreError.self) { try await repos.voicemail.addMessage(bad) }
                #expect(error?.kind == .invalidArgument)
            }
            #expect(try await repos.voicemail.messages(mailbox: "201").isEmpty)
        }
    }
}
