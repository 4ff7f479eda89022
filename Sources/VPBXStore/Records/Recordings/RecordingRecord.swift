import Foundation
import GRDB

/// One call recording's index entry; the audio is a file under the data directory.
///
/// The row outlives the file: deleting a recording (by retention or by hand) removes the
/// audio and keeps the row, marked with when and why, so the question "did a recording of
/// this call exist, and what became of it" always has an answer.
public struct RecordingRecord: Codable, Sendable, Equatable, Identifiable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "recordings"

    /// Lowercase UUID text.
    public var id: String
    /// The recorded call's CDR id, lowercase UUID text.
    public var callID: String
    public var caller: String
    public var callee: String
    public var startedAt: Date
    public var endedAt: Date?
    public var durationMilliseconds: Int
    public var bytes: Int
    /// SHA-256 of the finished file, lowercase hex.
    public var sha256: String?
    /// Relative to the data directory: `recordings/YYYY/MM/DD/<id>.wav`.
    public var path: String
    public var state: RecordingState
    /// What went wrong while writing, if anything.
    public var error: String?
    /// The file is deleted after this (the retention period from the recording's start).
    public var retainUntil: Date
    public var deletedAt: Date?
    /// `retention`, or the administrator's reason.
    public var deletedReason: String?

    /// The longest retention the exchange allows: ten years (3,653 days with leap days).
    public static let maximumRetentionDays = 3653

    public init(
        id: String, callID: String, caller: String, callee: String, startedAt: Date, path: String,
        retainUntil: Date, state: RecordingState = .recording
    ) {
        self.id = id
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.endedAt = nil
        self.durationMilliseconds = 0
        self.bytes = 0
        self.sha256 = nil
        self.path = path
        self.state = state
        self.error = nil
        self.retainUntil = retainUntil
        self.deletedAt = nil
        self.deletedReason = nil
    }

    /// Where a recording started at `date` lives, relative to the data directory (DESIGN.md:
    /// `recordings/YYYY/MM/DD/<call-uuid>.wav`, the day in UTC).
    public static func relativePath(id: String, startedAt date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "recordings/\(parts.year ?? 1970)/\(two(parts.month))/\(two(parts.day))/\(id).wav"
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id
        case callID = "call_id"
        case caller, callee
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case durationMilliseconds = "duration_ms"
        case bytes, sha256, path, state, error
        case retainUntil = "retain_until"
        case deletedAt = "deleted_at"
        case deletedReason = "deleted_reason"
    }
}

/// Where a recording is in its life.
public enum RecordingState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Being written now (or the engine stopped while it was: the next start finishes it).
    case recording
    /// Finished and on disk.
    case complete
    /// Finished, but writing failed part way (a full disk): the audio before the failure is kept.
    case incomplete
    /// Nothing usable was written.
    case failed
    /// The file is gone (retention or an administrator); the row stays for the record.
    case deleted
}

/// What recordings to list, newest first.
public struct RecordingQuery: Sendable, Equatable {
    public var since: Date?
    public var until: Date?
    /// Caller or callee.
    public var number: String?
    public var callID: String?
    /// Whether deleted recordings are listed too.
    public var includeDeleted: Bool
    public var limit: Int

    public init(
        since: Date? = nil, until: Date? = nil, number: String? = nil, callID: String? = nil,
        includeDeleted: Bool = false, limit: Int = 100
    ) {
        self.since = since
        self.until = until
        self.number = number
        self.callID = callID
        self.includeDeleted = includeDeleted
        self.limit = limit
    }
}
