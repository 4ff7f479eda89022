import Foundation
import Logging
import Synchronization
import Testing
import VPBXControl
import VPBXMediaIO
import VPBXStore

@testable import VPBXEngine

/// `EngineRecordings` retention and recovery, and the audit log they write, over a real data
/// directory.
@Suite("Engine recordings")
struct EngineRecordingsTests {
    final class Fixture: Sendable {
        let directory: String
        let repository = InMemoryRecordingRepository()
        let audit: AuditLog
        let recordings: EngineRecordings

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-rec-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            audit = try AuditLog(path: directory + "/audit.log")
            recordings = EngineRecordings(
                repository: repository, dataDirectory: directory, retentionDays: 30, audit: audit,
                events: EventHub(logger: Logger(label: "test")), logger: Logger(label: "test"))
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// A finished recording of `startedAt` kept until `retainUntil`, with a file on disk.
        func finished(id: String, startedAt: Date, retainUntil: Date) async throws -> RecordingRecord {
            var record = RecordingRecord(
                id: id, callID: id, caller: "1001", callee: "1002", startedAt: startedAt,
                path: RecordingRecord.relativePath(id: id, startedAt: startedAt), retainUntil: retainUntil, state: .complete)
            record.durationMilliseconds = 1000
            let path = directory + "/" + record.path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: 100))
            try await repository.add(record)
            return record
        }
    }

    @Test func retentionDeletesTheExpiredFilesKeepsTheirRowsAndAuditsIt() async throws {
        let fixture = try Fixture()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let old = try await fixture.finished(
            id: "00000000-0000-4000-8000-000000000001", startedAt: now.addingTimeInterval(-40 * 86_400),
            retainUntil: now.addingTimeInterval(-10 * 86_400))
        let young = try await fixture.finished(
            id: "00000000-0000-4000-8000-000000000002", startedAt: now.addingTimeInterval(-86_400),
            retainUntil: now.addingTimeInterval(29 * 86_400))

        #expect(try await fixture.recordings.applyRetention(now: now) == 1)
        #expect(try await fixture.recordings.applyRetention(now: now) == 0, "a second pass finds nothing more")

        let gone = try #require(try await fixture.repository.recording(id: old.id))
        #expect(gone.state == .deleted && gone.deletedReason == "retention" && gone.deletedAt == now)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/" + old.path))
        #expect(try await fixture.repository.recording(id: young.id)?.state == .complete)
        #expect(FileManager.default.fileExists(atPath: fixture.directory + "/" + young.path))

        let (entries, broken) = try fixture.audit.read(limit: 10)
        #expect(broken == nil)
        #expect(entries.map(\.action) == ["recording.deleted"])
        #expect(entries.first?.actor == "retention" && entries.first?.object == "recording \(old.id)")
    }

    @Test func aRecordingKeptLongerOutlivesItsRetentionWithinTenYears() async throws {
        let fixture = try Fixture()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let record = try await fixture.finished(
            id: "00000000-0000-4000-8000-000000000005", startedAt: now.addingTimeInterval(-20 * 86_400),
            retainUntil: now.addingTimeInterval(10 * 86_400))
        let later = now.addingTimeInterval(400 * 86_400)
        let kept = try await fixture.recordings.retain(record, until: later, reason: "complaint 311", actor: "uid 0 (admin)", now: now)
        #expect(kept.retainUntil == later)
        #expect(try await fixture.recordings.applyRetention(now: now.addingTimeInterval(30 * 86_400)) == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.directory + "/" + record.path))
        #expect(try await fixture.recordings.applyRetention(now: later.addingTimeInterval(1)) == 1)

        let tenYears = record.startedAt.addingTimeInterval(Double(RecordingRecord.maximumRetentionDays) * 86_400)
        for wrong in [now.addingTimeInterval(-1), tenYears.addingTimeInterval(1)] {
            await #expect(throws: StoreError.self) {
                _ = try await fixture.recordings.retain(kept, until: wrong, reason: "x", actor: "a", now: now)
            }
        }
        let deleted = try #require(try await fixture.repository.recording(id: record.id))
        await #expect(throws: StoreError.self) {
            _ = try await fixture.recordings.retain(deleted, until: later, reason: "x", actor: "a", now: now)
        }
        let actions = try fixture.audit.read(limit: 10).entries.map(\.action)
        #expect(actions == ["recording.retained", "recording.deleted"])
    }

    @Test func aRecordingLeftOpenByAStopIsFinishedFromItsPartFileAtTheNextStart() async throws {
        let fixture = try Fixture()
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        let id = "00000000-0000-4000-8000-000000000003"
        let record = RecordingRecord(
            id: id, callID: id, caller: "1001", callee: "1002", startedAt: started,
            path: RecordingRecord.relativePath(id: id, startedAt: started), retainUntil: started.addingTimeInterval(86_400))
        try await fixture.repository.add(record)
        let file = try CallRecordingFile(path: fixture.directory + "/" + record.path) { _ in }
        file.append(interleaved: [Int16](repeating: 100, count: 2 * 8000))
        let partial = fixture.directory + "/" + record.path + ".part"
        for _ in 0..<500 {
            if ((try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0) == 44 + 32_000 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let lost = "00000000-0000-4000-8000-000000000004"
        try await fixture.repository.add(
            RecordingRecord(
                id: lost, callID: lost, caller: "1001", callee: "1003", startedAt: started,
                path: RecordingRecord.relativePath(id: lost, startedAt: started), retainUntil: started.addingTimeInterval(86_400)))

        #expect(try await fixture.recordings.recoverUnfinished() == 2)

        let recovered = try #require(try await fixture.repository.recording(id: id))
        #expect(recovered.state == .complete && recovered.durationMilliseconds == 1000 && recovered.sha256 != nil)
        #expect(recovered.endedAt == started.addingTimeInterval(1))
        #expect(FileManager.default.fileExists(atPath: fixture.directory + "/" + record.path))
        let failed = try #require(try await fixture.repository.recording(id: lost))
        #expect(failed.state == .failed && failed.error != nil)
        #expect(try await fixture.repository.unfinished().isEmpty)
        #expect(try fixture.audit.read(limit: 10).entries.map(\.action) == ["recording.recovered", "recording.recovered"])
    }

    @Test func theRelativePathIsTheDayInUTC() {
        let lateEvening = Date(timeIntervalSince1970: 1_796_083_200 - 1)  // 2026-11-30 23:59:59 UTC
        #expect(RecordingRecord.relativePath(id: "x", startedAt: lateEvening) == "recordings/2026/11/30/x.wav")
        #expect(RecordingRecord.relativePath(id: "x", startedAt: lateEvening.addingTimeInterval(1)) == "recordings/2026/12/01/x.wav")
    }
}

/// `AuditLog`: a chain of hashes that shows an edited or removed line.
@Suite("Audit log")
struct AuditLogTests {
    @Test func entriesChainAndAnEditBreaksTheChainFromThere() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-audit-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AuditLog(path: path)
        for index in 1...3 {
            try log.record(actor: "uid 0 (admin)", action: "recording.exported", object: "recording \(index)")
        }
        var (entries, broken) = try log.read(limit: 10)
        #expect(entries.map(\.seq) == [1, 2, 3] && broken == nil)
        let firstLine = try Self.lines(path)[0]
        #expect(entries[0].prev.isEmpty && entries[1].prev == AuditLog.hash(firstLine))

        // Reopened, it goes on from where it was.
        let reopened = try AuditLog(path: path)
        try reopened.record(actor: "retention", action: "recording.deleted", object: "recording 4", detail: "retention")
        (entries, broken) = try reopened.read(limit: 2)
        #expect(entries.map(\.seq) == [3, 4] && broken == nil)

        // Someone edits line 2: line 3 no longer follows from it.
        var lines = try Self.lines(path)
        lines[1] = lines[1].replacingOccurrences(of: "recording 2", with: "recording 9")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try reopened.read(limit: 10).brokenAt == 3)
        // Someone removes line 1: line 2's prev is not empty any more.
        lines.removeFirst()
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try reopened.read(limit: 10).brokenAt == 1)
    }

    @Test func aLongLogIsReopenedFromItsTailAndListedFromItsEnd() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-audit-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AuditLog(path: path)
        for index in 1...300 {
            try log.record(actor: "engine", action: "recording.started", object: "recording \(index)", detail: String(repeating: "x", count: 300))
        }
        let reopened = try AuditLog(path: path)
        try reopened.record(actor: "engine", action: "recording.finished", object: "recording 301")
        let (entries, broken) = try reopened.read(limit: 2)
        #expect(broken == nil)
        #expect(entries.map(\.seq) == [300, 301] && entries.map(\.object) == ["recording 300", "recording 301"])
        #expect(try reopened.read(limit: 1000).entries.count == 301)
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}
