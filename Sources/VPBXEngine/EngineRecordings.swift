import Foundation
import Logging
import Synchronization
import VPBXControl
import VPBXMediaIO
import VPBXNetwork
import VPBXPBX
import VPBXStore
import VPBXText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The engine's call recordings: the core decides which calls are recorded; this makes the
/// file (``CallRecordingFile`` under `<data>/recordings/`), keeps its row in the store, writes
/// the audit trail and deletes what outlived its retention.
///
/// The row is written before the relay taps the call, in state `recording`, and finished
/// when the file is: a crash in between leaves a row that ``recoverUnfinished()`` completes
/// from the `.part` file at the next start, so accepted audio is never lost.
public struct EngineRecordings: CallRecordingService {
    let repository: any RecordingRepository
    let dataDirectory: String
    /// How long a recording is kept, in days from its start.
    let retentionDays: Int
    /// Keys to encrypt new recordings with (the current one) and to read old ones; nil:
    /// recordings are plain WAV files.
    let keys: RecordingKeyring?
    /// Encrypted recordings found at the start of an engine given no key: they cannot be
    /// exported until the key is given back (`vpbx status` says so).
    var unreadableAtStart = 0
    let audit: AuditLog
    let events: EventHub
    let logger: Logger
    /// Recordings whose files are not finished yet: the engine's stop waits for them.
    let running = RunningRecordings()

    public init(
        repository: any RecordingRepository, dataDirectory: String, retentionDays: Int, keys: RecordingKeyring? = nil,
        audit: AuditLog, events: EventHub, logger: Logger
    ) {
        self.keys = keys
        self.repository = repository
        self.dataDirectory = dataDirectory
        self.retentionDays = retentionDays
        self.audit = audit
        self.events = events
        self.logger = logger
    }

    func absolutePath(_ relative: String) -> String { dataDirectory + "/" + relative }

    public func startRecording(_ request: CallRecordingRequest, media: any MediaSession) async throws
        -> any MediaRecording
    {
        let id = request.callID.lowercaseText
        let file = try await open(
            id: id, caller: request.caller, callee: request.callee, startedAt: request.startedAt,
            why: "\(request.caller) to \(request.callee): \(request.reason)")
        let recording: any MediaRecording
        do {
            recording = try await media.startRecording(
                caller: request.callerCodec, callee: request.calleeCodec, into: file)
        } catch {
            file.abandon("the call's media could not be tapped: \(error)")
            throw error
        }
        await announceStart(id: id, caller: request.caller, callee: request.callee)
        logger.info("call recording started", metadata: ["call": "\(id)", "reason": "\(request.reason)"])
        return recording
    }

    /// A conference room's mix: its row names the caller who opened it and the room
    /// (`conf:NAME`), so `vpbx rec list --number conf:NAME` finds a room's recordings.
    public func startRoomRecording(_ request: RoomRecordingRequest) async throws -> any RelayRecordingSink {
        let id = request.id.lowercaseText
        let room = "conf:\(request.room)"
        let file = try await open(
            id: id, caller: request.openedBy, callee: room, startedAt: request.startedAt,
            why: "conference room \(request.room) records its mix, opened by \(request.openedBy)")
        await announceStart(id: id, caller: request.openedBy, callee: room)
        logger.info("conference room recording started", metadata: ["recording": "\(id)", "room": "\(request.room)"])
        return file
    }

    /// The file and its row (state `recording`) and the audit entry: what every recording
    /// has before its first sample. The row is stored before anything is written, so a
    /// crash leaves a row that ``recoverUnfinished()`` completes.
    private func open(id: String, caller: String, callee: String, startedAt: Date, why: String) async throws
        -> CallRecordingFile
    {
        let relative =
            RecordingRecord.relativePath(id: id, startedAt: startedAt)
            + (keys != nil ? SealedRecordingReader.pathSuffix : "")
        let record = RecordingRecord(
            id: id, callID: id, caller: caller, callee: callee, startedAt: startedAt,
            path: relative, retainUntil: startedAt.addingTimeInterval(Double(retentionDays) * 86_400))
        let service = self
        let file = try CallRecordingFile(path: absolutePath(relative), sealingWith: keys) { summary in
            Task {
                await service.finished(id: id, summary: summary)
                service.running.remove(id)
            }
        }
        running.add(id)
        do {
            try await repository.add(record)
        } catch {
            file.abandon("its record could not be stored: \(error)")
            throw error
        }
        try? audit.record(actor: "engine", action: "recording.started", object: "recording \(id)", detail: why)
        return file
    }

    private func announceStart(id: String, caller: String, callee: String) async {
        _ = await events.publish(
            topic: "recording", type: "recording.started",
            data: .object([
                "id": .string(id), "call": .string(id), "caller": .string(caller), "callee": .string(callee),
            ]))
    }

    /// The file is finished on disk: the row says how it went.
    func finished(id: String, summary: CallRecordingSummary) async {
        do {
            guard var record = try await repository.recording(id: id) else { return }
            apply(summary, to: &record, endedAt: Date())
            try await repository.update(record)
            try? audit.record(
                actor: "engine", action: "recording.finished", object: "recording \(id)",
                detail: "\(record.state.rawValue), \(record.durationMilliseconds) ms, sha256 \(record.sha256 ?? "-")")
            _ = await events.publish(
                topic: "recording", type: "recording.finished",
                data: .object([
                    "id": .string(id), "state": .string(record.state.rawValue),
                    "durationMs": .int(Int64(record.durationMilliseconds)),
                ]))
            if let error = summary.error {
                logger.error("call recording kept incomplete", metadata: ["call": "\(id)", "error": "\(error)"])
            }
        } catch {
            logger.error(
                "call recording finished on disk but its row was not updated; the next start finishes it",
                metadata: ["call": "\(id)", "error": "\(error)"])
        }
    }

    private func apply(_ summary: CallRecordingSummary, to record: inout RecordingRecord, endedAt: Date) {
        record.endedAt = endedAt
        record.durationMilliseconds = summary.durationMilliseconds
        record.bytes = summary.bytes
        record.sha256 = summary.sha256
        record.error = summary.error
        if summary.path != absolutePath(record.path) {
            // It could not be moved into place: the row points at where it is.
            record.path = String(summary.path.dropFirst(dataDirectory.count + 1))
        }
        record.state =
            summary.durationMilliseconds == 0 && summary.error != nil
            ? .failed
            : summary.error != nil ? .incomplete : .complete
    }

    /// Finishes the recordings an engine that stopped left in state `recording`: their
    /// `.part` files get their headers and go into place. Returns how many were finished.
    @discardableResult
    public func recoverUnfinished() async throws -> Int {
        var count = 0
        for var record in try await repository.unfinished() {
            if let summary = CallRecordingFile.recover(path: absolutePath(record.path), keys: keys) {
                apply(
                    summary, to: &record,
                    endedAt: record.startedAt.addingTimeInterval(Double(summary.durationMilliseconds) / 1000))
            } else {
                record.state = .failed
                record.error = "the engine stopped before any audio reached the disk"
            }
            try await repository.update(record)
            try? audit.record(
                actor: "engine", action: "recording.recovered", object: "recording \(record.id)",
                detail: "\(record.state.rawValue), \(record.durationMilliseconds) ms")
            count += 1
        }
        return count
    }

    /// Deletes the files of recordings whose retention ended, keeping their rows marked
    /// `deleted` (why and when). Returns how many went.
    @discardableResult
    public func applyRetention(now: Date = Date()) async throws -> Int {
        var deleted = 0
        while true {
            let batch = try await repository.expired(before: now, limit: 200)
            if batch.isEmpty { return deleted }
            for record in batch {
                try await delete(record, reason: "retention", actor: "retention", at: now)
                deleted += 1
            }
        }
    }

    /// Keeps `record` until `until` instead; audited. Throws `invalidArgument` for a day in
    /// the past or more than ten years after the recording started, `conflict` for a
    /// recording already deleted.
    func retain(_ record: RecordingRecord, until: Date, reason: String, actor: String, now: Date = Date()) async throws
        -> RecordingRecord
    {
        guard record.state != .deleted else {
            throw StoreError(.conflict, "recording \(record.id) is deleted already: nothing to keep")
        }
        let latest = record.startedAt.addingTimeInterval(Double(RecordingRecord.maximumRetentionDays) * 86_400)
        guard until > now, until <= latest else {
            throw StoreError(
                .invalidArgument,
                "keep recording \(record.id) until a day after now and at most ten years after it started (\(latest))")
        }
        var updated = record
        updated.retainUntil = until
        try await repository.update(updated)
        try audit.record(
            actor: actor, action: "recording.retained", object: "recording \(record.id)",
            detail: "until \(until) (was \(record.retainUntil)): \(reason)", at: now)
        return updated
    }

    /// Removes `record`'s file and marks its row; audited.
    func delete(_ record: RecordingRecord, reason: String, actor: String, at now: Date = Date()) async throws {
        let path = absolutePath(record.path)
        if unlink(path) != 0, errno != ENOENT {
            throw StoreError(.io, "cannot delete \(path): \(String(cString: strerror(errno)))")
        }
        var updated = record
        updated.state = .deleted
        updated.deletedAt = now
        updated.deletedReason = reason
        try await repository.update(updated)
        try audit.record(
            actor: actor, action: "recording.deleted", object: "recording \(record.id)", detail: reason, at: now)
        logger.notice(
            "call recording deleted", metadata: ["recording": "\(record.id)", "reason": "\(reason)", "by": "\(actor)"])
    }
}

/// The ids of recordings still being written.
final class RunningRecordings: Sendable {
    private let ids = Mutex<Set<String>>([])

    func add(_ id: String) { ids.withLock { _ = $0.insert(id) } }
    func remove(_ id: String) { ids.withLock { _ = $0.remove(id) } }
    var count: Int { ids.withLock { $0.count } }
}

extension EngineRecordings {
    /// Waits until every recording's file and row are finished (the calls' media closed), or
    /// `timeout` passed; a recording still open then is finished at the next start.
    public func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while running.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if running.count > 0 {
            logger.warning("\(running.count) call recordings still open at stop; the next start finishes them")
        }
    }
}
