import Foundation
import Logging
import Synchronization
import Testing
import VPBXMediaIO
import VPBXPBX
import VPBXStore

@testable import VPBXEngine

/// `EngineVoicemail` and `VoicemailRecovery` over a real SQLite file and a real data directory.
@Suite("Engine voicemail")
struct EngineVoicemailTests {
    /// A data directory with a database, extension 1001 and its mailbox (PIN 4711).
    final class Fixture: Sendable {
        let directory: String
        let database: VPBXDatabase
        let repository: GRDBVoicemailRepository
        let files: VoicemailFiles
        let changes = Mutex<[String]>([])

        init() async throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-vm-\(UUID().uuidString)").path
            database = try VPBXDatabase.open(dataDirectory: directory)
            repository = GRDBVoicemailRepository(database: database)
            files = VoicemailFiles(dataDirectory: directory)
            _ = try await GRDBExtensionRepository(database: database).create(
                ExtensionRecord(
                    number: "1001", displayName: "Kovács Éva", ha1MD5: String(repeating: "a", count: 32),
                    ha1SHA256: String(repeating: "b", count: 64)))
            try await repository.upsertMailbox(
                MailboxRecord(extensionNumber: "1001", pinHash: VoicemailPIN.hash("4711"), maxMessageSeconds: 60))
        }

        var service: EngineVoicemail {
            EngineVoicemail(repository: repository, files: files, logger: Logger(label: "test")) { mailbox, counts in
                self.changes.withLock { $0.append("\(mailbox) \(counts.new)/\(counts.old)") }
            }
        }

        var recovery: VoicemailRecovery {
            VoicemailRecovery(repository: repository, files: files, logger: Logger(label: "test"))
        }

        func remove() {
            try? database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func counts(_ service: EngineVoicemail) async throws -> [Int] {
        let counts = try await service.counts(mailbox: "1001")
        return [counts.new, counts.old]
    }

    static let tone: [Int16] = (0..<16000).map { Int16(8000 * sin(Double($0) * 2 * .pi * 1000 / 8000)) }

    @Test func storeListCountMarkHeardAndDelete() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let service = fixture.service
        #expect(
            try await service.mailbox("1001")
                == VoicemailSettings(mailbox: "1001", enabled: true, maximumMessageSeconds: 60))
        #expect(try await service.mailbox("1002") == nil)
        #expect(try await service.verifyPIN(mailbox: "1001", pin: "4711"))
        #expect(try await !service.verifyPIN(mailbox: "1001", pin: "4712"))
        #expect(try await !service.verifyPIN(mailbox: "1002", pin: "4711"))

        let received = Date(timeIntervalSince1970: 1_800_000_000)
        try await service.store(
            mailbox: "1001", caller: "+3612345678", callerName: "Tóth", callID: "abc", samples: Self.tone,
            receivedAt: received)
        try await service.store(
            mailbox: "1001", caller: "", callerName: nil, callID: nil, samples: Self.tone,
            receivedAt: received.addingTimeInterval(60))
        let messages = try await service.messages(mailbox: "1001")
        #expect(messages.count == 2 && messages.allSatisfy(\.isNew))
        #expect(try await Self.counts(service) == [2, 0])
        let newestID = try #require(UUID(uuidString: messages[0].id))
        let newest = try #require(try await fixture.repository.message(id: newestID))
        #expect(newest.caller == "anonymous" && newest.durationMilliseconds == 2000)
        #expect(newest.audioPath == "voicemail/1001/\(messages[0].id).wav")
        #expect(try await service.audio(messageID: messages[0].id) == Self.tone)

        try await service.markHeard(messageID: messages[0].id)
        #expect(try await Self.counts(service) == [1, 1])
        try await service.delete(messageID: messages[0].id)
        #expect(!FileManager.default.fileExists(atPath: fixture.files.url(newest.audioPath).path))
        #expect(try await service.audio(messageID: messages[0].id) == nil)
        #expect(try await Self.counts(service) == [1, 0])
        #expect(fixture.changes.withLock { $0 } == ["1001 1/0", "1001 2/0", "1001 1/1", "1001 1/0"])
    }

    @Test func greetingsAreKeptPerKind() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let service = fixture.service
        #expect(try await service.greeting(mailbox: "1001", kind: .busy) == nil)
        try await service.saveGreeting(mailbox: "1001", kind: .busy, samples: Self.tone)
        #expect(try await service.greeting(mailbox: "1001", kind: .busy) == Self.tone)
        #expect(try await service.greeting(mailbox: "1001", kind: .unavailable) == nil)
    }

    @Test func aMessageForAnUnknownOrDisabledMailboxLeavesNoFile() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        await #expect(throws: StoreError.self) {
            try await fixture.service.store(
                mailbox: "1002", caller: "1001", callerName: nil, callID: nil, samples: Self.tone, receivedAt: Date())
        }
        #expect(fixture.files.messageFiles().isEmpty)
        var off = try #require(try await fixture.repository.mailbox("1001"))
        off.enabled = false
        try await fixture.repository.upsertMailbox(off)
        let refused = await #expect(throws: StoreError.self) {
            try await fixture.service.store(
                mailbox: "1001", caller: "1002", callerName: nil, callID: nil, samples: Self.tone, receivedAt: Date())
        }
        #expect(refused?.kind == .conflict)
        #expect(fixture.files.messageFiles().isEmpty)
    }

    @Test func anUnwritableFolderFailsClearlyAndStoresNothing() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        // A plain file where the mailbox folder belongs: fails for root too, unlike chmod.
        try FileManager.default.createDirectory(at: fixture.files.root, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: fixture.files.root.appendingPathComponent("1001"))
        let error = await #expect(throws: MediaFileError.self) {
            try await fixture.service.store(
                mailbox: "1001", caller: "1002", callerName: nil, callID: nil, samples: Self.tone, receivedAt: Date())
        }
        #expect(error?.description.contains("voicemail/1001") == true)
        #expect(try await fixture.repository.messages(mailbox: "1001").isEmpty)
    }

    @Test func recoveryIndexesOrphanFilesAndDropsRowsWithoutFiles() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let service = fixture.service
        try await service.store(
            mailbox: "1001", caller: "1002", callerName: nil, callID: nil, samples: Self.tone, receivedAt: Date())
        let kept = try #require(try await fixture.repository.messages(mailbox: "1001").first)
        // A crash between file and row: a file without a row; and a row whose file was lost.
        let orphan = UUID()
        try fixture.files.writeMessage(mailbox: "1001", id: orphan, samples: Array(Self.tone.prefix(4000)))
        let lost = VoicemailMessageRecord(
            id: UUID(), mailbox: "1001", caller: "1003", receivedAt: Date(), durationMilliseconds: 100,
            audioPath: VoicemailFiles.messagePath(mailbox: "1001", id: UUID()))
        try await fixture.repository.addMessage(lost)
        // A half-written temporary file and a file of a mailbox that no longer exists.
        let temporary = fixture.files.root.appendingPathComponent("1001/.x.wav.1.tmp")
        try Data([1, 2, 3]).write(to: temporary)
        try fixture.files.writeMessage(mailbox: "1009", id: UUID(), samples: Self.tone)

        let report = try await fixture.recovery.run()
        #expect(report == VoicemailRecovery.Report(reindexed: 1, droppedRows: 1, skippedFiles: 1))
        let messages = try await fixture.repository.messages(mailbox: "1001")
        #expect(Set(messages.map(\.id)) == [kept.id, orphan])
        let recovered = try #require(messages.first { $0.id == orphan })
        #expect(recovered.durationMilliseconds == 500 && recovered.caller == "unknown" && recovered.folder == .new)
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        #expect(try await fixture.recovery.run() == VoicemailRecovery.Report(skippedFiles: 1))
    }

    @Test func pinsAreHashedWithSaltAndChecked() {
        let first = VoicemailPIN.hash("123456")
        let second = VoicemailPIN.hash("123456")
        #expect(first != second && !first.contains("123456"))
        #expect(VoicemailPIN.verify("123456", against: first) && VoicemailPIN.verify("123456", against: second))
        #expect(!VoicemailPIN.verify("123457", against: first))
        #expect(!VoicemailPIN.verify("123456", against: "plain$123456"))
        #expect(VoicemailPIN.problem("4711") == nil && VoicemailPIN.problem("0123456789") == nil)
        for bad in ["", "123", "12345678901", "12a4", "١٢٣٤"] { #expect(VoicemailPIN.problem(bad) != nil) }
    }
}
