import Foundation
import Logging
import VPBXControl
import VPBXMediaIO
import VPBXPBX
import VPBXStore

extension Engine {
    /// The recording service over the store, `<data>/recordings` and `<data>/audit.log`,
    /// after finishing what a stopped engine left open and deleting what outlived its
    /// retention. A failure here is logged, not fatal: calls must work when recording cannot
    /// (they are then not recorded, and the log says why).
    static func makeRecordings(
        database: VPBXDatabase, dataDirectory: String, retentionDays: Int, keys: RecordingKeyring?, events: EventHub,
        logger: Logger
    ) async -> EngineRecordings? {
        let audit: AuditLog
        do {
            audit = try AuditLog(path: dataDirectory + "/audit.log")
        } catch {
            logger.error("call recording is off: \(error)")
            return nil
        }
        var recordings = EngineRecordings(
            repository: GRDBRecordingRepository(database: database), dataDirectory: dataDirectory,
            retentionDays: retentionDays, keys: keys, audit: audit, events: events, logger: logger)
        if let keys {
            logger.notice(
                "call recordings are encrypted at rest",
                metadata: ["key": "\(keys.current.fingerprintText)", "older keys": "\(keys.all.count - 1)"])
        } else if let encrypted = try? await recordings.repository.encryptedOnDisk(), encrypted > 0 {
            // Restarted without its --recording-key: new recordings would be plain without a word.
            recordings.unreadableAtStart = encrypted
            logger.warning(
                "encrypted call recordings exist but no --recording-key was given: new recordings are plain WAV files and the encrypted ones cannot be exported until the key is given back",
                metadata: ["encrypted recordings": "\(encrypted)"])
        }
        do {
            let recovered = try await recordings.recoverUnfinished()
            if recovered > 0 { logger.notice("call recordings finished after a stop", metadata: ["count": "\(recovered)"]) }
        } catch {
            logger.error("unfinished call recordings could not be recovered: \(error)")
        }
        return recordings
    }

    /// Applies the retention now and then every hour until `stop`.
    static func startRetentionSweeps(_ recordings: EngineRecordings, logger: Logger) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                do {
                    let deleted = try await recordings.applyRetention()
                    if deleted > 0 {
                        logger.notice("call recordings past their retention deleted", metadata: ["count": "\(deleted)"])
                    }
                } catch {
                    logger.error("call recording retention could not be applied: \(error); tried again in an hour")
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
