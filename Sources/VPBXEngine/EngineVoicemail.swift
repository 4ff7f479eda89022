import Foundation
import Logging
import VPBXMediaIO
import VPBXPBX
import VPBXStore
import VPBXText

/// The engine's ``VoicemailService``: message rows and mailbox settings in the store, audio in
/// ``VoicemailFiles``. Saving writes the file durably first and the row second, so a crash
/// between the two leaves a file that ``VoicemailRecovery`` indexes at the next start, never a
/// row without its audio. The control handlers use the same methods, so every change of a
/// box's counts goes through `changed` (the event stream now, MWI NOTIFYs later).
public struct EngineVoicemail: VoicemailService {
    let repository: any VoicemailRepository
    let files: VoicemailFiles
    let logger: Logger
    /// Called after every change of a box's messages with its new counts.
    let changed: @Sendable (String, VoicemailCounts) async -> Void
    /// Emails new messages of boxes with an address; nil: none are.
    let mailer: VoicemailMailer?

    init(
        repository: any VoicemailRepository, files: VoicemailFiles, logger: Logger, mailer: VoicemailMailer? = nil,
        changed: @escaping @Sendable (String, VoicemailCounts) async -> Void = { _, _ in }
    ) {
        self.mailer = mailer
        self.repository = repository
        self.files = files
        self.logger = logger
        self.changed = changed
    }

    public func mailbox(_ number: String) async throws -> VoicemailSettings? {
        try await repository.mailbox(number).map {
            VoicemailSettings(
                mailbox: $0.extensionNumber, enabled: $0.enabled, maximumMessageSeconds: $0.maxMessageSeconds)
        }
    }

    public func verifyPIN(mailbox: String, pin: String) async throws -> Bool {
        guard let box = try await repository.mailbox(mailbox) else { return false }
        return VoicemailPIN.verify(pin, against: box.pinHash)
    }

    public func messages(mailbox: String) async throws -> [VoicemailMailbox.Message] {
        try await repository.messages(mailbox: mailbox).map {
            VoicemailMailbox.Message(id: VoicemailIDs.text($0.id), isNew: $0.folder == .new)
        }
    }

    public func audio(messageID: String) async throws -> [Int16]? {
        guard let record = try await record(messageID) else { return nil }
        do {
            return try files.samples(record.audioPath)
        } catch {
            logger.error("voicemail message \(messageID) has no usable audio: \(error)")
            return nil
        }
    }

    public func store(
        mailbox: String, caller: String, callerName: String?, callID: String?, samples: [Int16], receivedAt: Date
    ) async throws {
        // Checked before the file is written, so a refused message never touches the disk.
        guard let box = try await repository.mailbox(mailbox) else {
            throw StoreError(.notFound, "mailbox \(mailbox) not found")
        }
        guard box.enabled else {
            throw StoreError(.conflict, "mailbox \(mailbox) is switched off and takes no messages")
        }
        let id = VoicemailIDs.random()
        let path = try files.writeMessage(mailbox: mailbox, id: id, samples: samples)
        let record = VoicemailMessageRecord(
            id: id, mailbox: mailbox, caller: caller.isEmpty ? "anonymous" : caller, callerName: callerName,
            receivedAt: receivedAt, durationMilliseconds: samples.count / 8, folder: .new, audioPath: path,
            callID: callID, emailTo: mailer == nil ? nil : box.email)
        do {
            try await repository.addMessage(record)
        } catch let error as StoreError where error.kind == .io {
            // The audio is safe on disk; the next start indexes it (VoicemailRecovery).
            logger.error("voicemail message \(VoicemailIDs.text(id)) kept as \(path) but not indexed: \(error.message)")
            throw error
        } catch {
            // Refused for good (no such box, bad input): the file must not come back at restart.
            try? files.remove(path)
            throw error
        }
        logger.notice(
            "voicemail message left",
            metadata: [
                "mailbox": "\(mailbox)", "id": "\(VoicemailIDs.text(id))", "ms": "\(record.durationMilliseconds)",
            ])
        await notify(mailbox)
        if record.emailTo != nil, let mailer { mailer.deliverInBackground(record) }
    }

    public func markHeard(messageID: String) async throws {
        guard let id = UUID(uuidString: messageID) else {
            throw StoreError(.notFound, "voicemail message \(messageID) not found")
        }
        _ = try await markHeard(id: id)
    }

    /// Moves a message to `old` and returns it.
    @discardableResult
    public func markHeard(id: UUID) async throws -> VoicemailMessageRecord {
        let record = try await repository.setFolder(id: id, .old)
        await notify(record.mailbox)
        return record
    }

    public func delete(messageID: String) async throws {
        guard let id = UUID(uuidString: messageID) else {
            throw StoreError(.notFound, "voicemail message \(messageID) not found")
        }
        _ = try await delete(id: id)
    }

    /// Deletes a message, row first (so a failed file removal leaves an orphan file, which the
    /// next start re-indexes, rather than a row without audio), and returns it; nil when it
    /// did not exist.
    @discardableResult
    public func delete(id: UUID) async throws -> VoicemailMessageRecord? {
        guard let record = try await repository.message(id: id) else { return nil }
        guard try await repository.deleteMessage(id: id) else { return nil }
        do {
            try files.remove(record.audioPath)
        } catch {
            logger.error("voicemail message \(VoicemailIDs.text(id)) deleted but its file stays: \(error)")
        }
        await notify(record.mailbox)
        return record
    }

    public func saveGreeting(mailbox: String, kind: VoicemailMailbox.Greeting, samples: [Int16]) async throws {
        try files.writeGreeting(mailbox: mailbox, Self.greeting(kind), samples: samples)
    }

    public func greeting(mailbox: String, kind: VoicemailMailbox.Greeting) async throws -> [Int16]? {
        files.greeting(mailbox: mailbox, Self.greeting(kind))
    }

    public func counts(mailbox: String) async throws -> (new: Int, old: Int) {
        let counts = try await repository.counts(mailbox: mailbox)
        return (counts.new, counts.old)
    }

    /// The row of a message given as text; nil for text that is not a UUID.
    func record(_ messageID: String) async throws -> VoicemailMessageRecord? {
        guard let id = UUID(uuidString: messageID) else { return nil }
        return try await repository.message(id: id)
    }

    /// Removes a deleted extension's folder (its rows went with the extension).
    func removeMailboxFiles(_ number: String) {
        do {
            try files.removeMailbox(number)
        } catch {
            logger.error("voicemail files of removed extension \(number) stay: \(error)")
        }
    }

    private func notify(_ mailbox: String) async {
        guard let counts = try? await repository.counts(mailbox: mailbox) else { return }
        await changed(mailbox, counts)
    }

    private static func greeting(_ kind: VoicemailMailbox.Greeting) -> VoicemailFiles.Greeting {
        kind == .busy ? .busy : .unavailable
    }
}

/// Message ids: random UUIDs from the system generator (getrandom), as the call ids are,
/// and written in lowercase like the CDR ids.
enum VoicemailIDs {
    static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    static func text(_ id: UUID) -> String { id.lowercaseText }
}
