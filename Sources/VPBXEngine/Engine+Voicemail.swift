import Foundation
import Logging
import VPBXControl
import VPBXMediaIO
import VPBXPBX
import VPBXStore

extension Engine {
    /// The voicemail service over the store and `<data>/voicemail`, after bringing the index
    /// and the files back in step (a crash may have left either behind the other). A failed
    /// recovery is logged, not fatal: calls must still work when voicemail cannot.
    static func makeVoicemail(
        database: VPBXDatabase, dataDirectory: String, events: EventHub, pbx: PBXCore, logger: Logger,
        mail: (command: [String], from: String, extensions: any ExtensionRepository)
    ) async -> EngineVoicemail {
        let repository = GRDBVoicemailRepository(database: database)
        let files = VoicemailFiles(dataDirectory: dataDirectory)
        do {
            let report = try await VoicemailRecovery(repository: repository, files: files, logger: logger).run()
            if report != VoicemailRecovery.Report() {
                logger.notice(
                    "voicemail recovered",
                    metadata: [
                        "reindexed": "\(report.reindexed)", "dropped": "\(report.droppedRows)",
                        "skipped": "\(report.skippedFiles)",
                    ])
            }
        } catch {
            logger.error("voicemail recovery failed: \(error); messages may be missing from 'vpbx vm list'")
        }
        // Message-waiting indication starts from the counts on disk, without NOTIFYs; every
        // box's counts in one read.
        do {
            let counts = try await repository.allCounts()
            for box in try await repository.mailboxes().map(\.extensionNumber) {
                let boxCounts = counts[box] ?? VoicemailCounts(new: 0, old: 0)
                await pbx.setMessageSummary(
                    MessageSummary(newMessages: boxCounts.new, oldMessages: boxCounts.old), mailbox: box, notify: false)
            }
        } catch {
            logger.error(
                "voicemail message counts unreadable at start: \(error); lamps show them after the next message")
        }
        let mailer = VoicemailMailer(
            command: mail.command, from: mail.from, extensions: mail.extensions, voicemail: repository, files: files,
            logger: logger)
        Task { await mailer.resumeAwaiting() }
        return EngineVoicemail(repository: repository, files: files, logger: logger, mailer: mailer) {
            mailbox, counts in
            await pbx.setMessageSummary(
                MessageSummary(newMessages: counts.new, oldMessages: counts.old), mailbox: mailbox)
            _ = await events.publish(
                topic: "voicemail", type: "voicemail.changed",
                data: .object([
                    "mailbox": .string(mailbox), "new": .int(Int64(counts.new)), "old": .int(Int64(counts.old)),
                ]))
        }
    }
}
