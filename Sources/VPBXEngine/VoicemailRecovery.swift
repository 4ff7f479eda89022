import Foundation
import Logging
import VPBXMediaIO
import VPBXStore

/// Brings the message index and the files back in step at engine start, before calls:
/// a WAV without a row (the engine stopped between writing the file and the row) is indexed
/// again, with its length from the file, its time from the file's modification time and
/// caller `unknown`; a row whose file is gone (removed by hand, lost disk) is logged and
/// dropped, since nobody could ever play it.
public struct VoicemailRecovery: Sendable {
    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// Files indexed again.
        public var reindexed = 0
        /// Rows dropped because their file is missing.
        public var droppedRows = 0
        /// Files left alone: their mailbox no longer exists, or they are not readable audio.
        public var skippedFiles = 0
    }

    let repository: any VoicemailRepository
    let files: VoicemailFiles
    let logger: Logger

    public init(repository: any VoicemailRepository, files: VoicemailFiles, logger: Logger) {
        self.repository = repository
        self.files = files
        self.logger = logger
    }

    public func run() async throws -> Report {
        var report = Report()
        let boxes = Set(try await repository.mailboxes().map(\.extensionNumber))
        // One read of the whole index, not one per box and file: a start with 12,600 boxes
        // spent seconds here before SIP listened.
        let indexed = try await repository.allMessages()
        let indexedIDs = Set(indexed.map(\.id))
        for found in files.messageFiles() where !indexedIDs.contains(found.id) {
            guard boxes.contains(found.mailbox) else {
                logger.warning("voicemail file \(found.path) belongs to no mailbox; left in place")
                report.skippedFiles += 1
                continue
            }
            let samples: [Int16]
            do {
                samples = try files.samples(found.path)
            } catch {
                logger.warning("voicemail file \(found.path) is not indexed: \(error)")
                report.skippedFiles += 1
                continue
            }
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: files.url(found.path).path))?[.modificationDate]
                as? Date
            try await repository.addMessage(
                VoicemailMessageRecord(
                    id: found.id, mailbox: found.mailbox, caller: "unknown", receivedAt: modified ?? Date(),
                    durationMilliseconds: samples.count / 8, audioPath: found.path))
            logger.notice("voicemail message re-indexed after a restart", metadata: ["file": "\(found.path)"])
            report.reindexed += 1
        }
        let byBox = indexed.sorted { ($0.mailbox, $0.audioPath) < ($1.mailbox, $1.audioPath) }
        for message in byBox where !files.exists(message.audioPath) {
            logger.error(
                "voicemail message \(VoicemailIDs.text(message.id)) of mailbox \(message.mailbox) lost its file \(message.audioPath); dropped"
            )
            try await repository.deleteMessage(id: message.id)
            report.droppedRows += 1
        }
        return report
    }
}
