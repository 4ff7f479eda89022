import Foundation

/// A call recording's index entry (`recording.list`).
public struct RecordingInfo: Codable, Sendable, Hashable {
    /// The recording's id: the recorded call's (`call.list`, `cdr.search`).
    public var id: String
    public var caller: String
    public var callee: String
    public var startedAt: Date
    public var endedAt: Date?
    public var durationMs: Int
    public var bytes: Int
    /// SHA-256 of the file as finished (lowercase hex); an export can be checked against it.
    public var sha256: String?
    /// `recording`, `complete`, `incomplete` (writing failed part way), `failed`, `deleted`.
    public var state: String
    public var error: String?
    /// Relative to the engine's data directory.
    public var path: String
    public var retainUntil: Date
    public var deletedAt: Date?
    public var deletedReason: String?

    public init(
        id: String, caller: String, callee: String, startedAt: Date, endedAt: Date?, durationMs: Int, bytes: Int,
        sha256: String?, state: String, error: String?, path: String, retainUntil: Date, deletedAt: Date?,
        deletedReason: String?
    ) {
        self.id = id
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationMs = durationMs
        self.bytes = bytes
        self.sha256 = sha256
        self.state = state
        self.error = error
        self.path = path
        self.retainUntil = retainUntil
        self.deletedAt = deletedAt
        self.deletedReason = deletedReason
    }
}

/// A piece of a recording's file (`recording.read`), base64 in JSON.
public struct RecordingChunk: Codable, Sendable, Hashable {
    public var offset: Int
    /// Base64 of the bytes from `offset`; empty at the end of the file.
    public var data: String
    /// The file's whole size.
    public var size: Int
    public var sha256: String?

    public init(offset: Int, data: String, size: Int, sha256: String?) {
        self.offset = offset
        self.data = data
        self.size = size
        self.sha256 = sha256
    }
}

/// One line of the engine's audit log (`audit.list`).
public struct AuditEntryInfo: Codable, Sendable, Hashable {
    public var seq: Int
    public var at: Date
    public var actor: String
    public var action: String
    public var object: String
    public var detail: String?

    public init(seq: Int, at: Date, actor: String, action: String, object: String, detail: String?) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.object = object
        self.detail = detail
    }
}

/// The audit log's last entries and whether its chain of hashes holds.
public struct AuditLogInfo: Codable, Sendable, Hashable {
    public var entries: [AuditEntryInfo]
    /// The first line whose `prev` hash does not match the line before it (an edit or a
    /// removal there); nil when the whole file checks out.
    public var brokenAtLine: Int?

    public init(entries: [AuditEntryInfo], brokenAtLine: Int?) {
        self.entries = entries
        self.brokenAtLine = brokenAtLine
    }
}
