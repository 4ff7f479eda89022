import Foundation

/// `recording.list`: call recordings, newest first.
public enum RecordingList: RPCMethod {
    public static let name = "recording.list"
    public static let summary = "Call recordings, newest first (by time, number or call)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = [RecordingInfo]

    public struct Params: Codable, Sendable, Hashable {
        public var since: Date?
        public var until: Date?
        /// Caller or callee.
        public var number: String?
        public var call: String?
        /// List deleted recordings too (their rows stay, without the audio).
        public var includeDeleted: Bool?
        /// Default 100, at most 10,000.
        public var limit: Int?

        public init(
            since: Date? = nil, until: Date? = nil, number: String? = nil, call: String? = nil, includeDeleted: Bool? = nil,
            limit: Int? = nil
        ) {
            self.since = since
            self.until = until
            self.number = number
            self.call = call
            self.includeDeleted = includeDeleted
            self.limit = limit
        }
    }
}

/// `recording.read`: a piece of a recording's WAV file; reading from offset 0 is an export,
/// written to the audit log with who asked.
public enum RecordingRead: RPCMethod {
    public static let name = "recording.read"
    public static let summary = "Read a call recording's WAV file in pieces (audited)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = RecordingChunk

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public var offset: Int?
        /// Bytes wanted; default and most 1 MiB.
        public var length: Int?

        public init(id: String, offset: Int? = nil, length: Int? = nil) {
            self.id = id
            self.offset = offset
            self.length = length
        }
    }
}

/// `recording.delete`: deletes a recording's audio before its retention ends (a data
/// subject's erasure request); the row stays, marked with the reason. Audited.
public enum RecordingDelete: RPCMethod {
    public static let name = "recording.delete"
    public static let summary = "Delete a call recording's audio, with a reason (audited; the index row stays)."
    public static let allowedRoles: Set<Role> = [.admin]
    public typealias Result = RecordingInfo

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public var reason: String

        public init(id: String, reason: String) {
            self.id = id
            self.reason = reason
        }
    }
}

/// `recording.retain`: keeps a recording until another day than its retention said (longer:
/// a legal hold or a complaint being handled; shorter: no longer needed), at most ten years
/// from its start. Audited with the reason.
public enum RecordingRetain: RPCMethod {
    public static let name = "recording.retain"
    public static let summary = "Keep a call recording until another day (at most ten years from its start), with a reason (audited)."
    public static let allowedRoles: Set<Role> = [.admin]
    public typealias Result = RecordingInfo

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public var until: Date
        public var reason: String

        public init(id: String, until: Date, reason: String) {
            self.id = id
            self.until = until
            self.reason = reason
        }
    }
}

/// `audit.list`: the last entries of the engine's audit log.
public enum AuditList: RPCMethod {
    public static let name = "audit.list"
    public static let summary = "The audit log's last entries (recordings started, exported, deleted) and its integrity."
    public static let allowedRoles: Set<Role> = [.admin]
    public typealias Result = AuditLogInfo

    public struct Params: Codable, Sendable, Hashable {
        /// Default 100.
        public var limit: Int?
        public init(limit: Int? = nil) { self.limit = limit }
    }
}

/// `call.record`: start recording a call in progress that is not recorded, or pause and
/// resume its recording (a card number read out is not recorded: silence is, for that time).
/// Audited. An agent may do it for calls of the extension it is logged in at.
public enum CallRecord: RPCMethod {
    public static let name = "call.record"
    public static let summary = "Start, pause or resume the recording of a call in progress (audited)."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor, .agent]
    public static let ownAgentRoles: Set<Role> = [.agent]
    public typealias Result = CallInfo

    public struct Params: Codable, Sendable, Hashable {
        /// The call's id (`call.list`).
        public var id: String
        /// `start`, `pause` or `resume`.
        public var action: String

        public init(id: String, action: String) {
            self.id = id
            self.action = action
        }
    }
}
