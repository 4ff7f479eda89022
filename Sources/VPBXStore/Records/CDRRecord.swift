import Foundation
import GRDB
import VPBXText

/// A call detail record: one row per call, written ahead at call start and completed when
/// the call ends, so that a crash never loses a call (see ``CDRRepository``).
/// Dates are stored with millisecond precision.
public struct CDRRecord: Codable, Sendable, Equatable, Identifiable {
    /// The call's UUID (also names its recording); stored as lowercase text.
    public var id: UUID
    /// The Call-ID of the A leg, to correlate with SIP traces.
    public var sipCallID: String
    public var caller: String
    public var callerName: String?
    public var callee: String
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    /// Whole seconds from start to end (rounded); 0 while in progress.
    public var durationSeconds: Int
    /// Whole seconds from answer to end (rounded); 0 when never answered.
    public var billableSeconds: Int
    public var disposition: CallDisposition
    /// Why the call ended: a SIP status (`486 Busy Here`), `BYE`, `rtp_timeout`,
    /// `engine_restart`, ...; nil while in progress.
    public var cause: String?
    public var hangupSide: HangupSide?
    /// The steps the call went through (queue, IVR, transfer, ...), stored as JSON.
    public var path: [String]?
    /// The call's audio was encrypted (SRTP) on some leg at some time while it was answered:
    /// SRTP the engine terminated on a phone's leg, or keys passed end to end between the
    /// phones. False for an unanswered call, and for calls recorded before this was kept.
    public var encrypted: Bool

    /// Creates the record of a call that has just started (disposition `in_progress`).
    public init(
        id: UUID,
        sipCallID: String,
        caller: String,
        callerName: String? = nil,
        callee: String,
        startedAt: Date,
        path: [String]? = nil
    ) {
        self.id = id
        self.sipCallID = sipCallID
        self.caller = caller
        self.callerName = callerName
        self.callee = callee
        self.startedAt = startedAt
        self.answeredAt = nil
        self.endedAt = nil
        self.durationSeconds = 0
        self.billableSeconds = 0
        self.disposition = .inProgress
        self.cause = nil
        self.hangupSide = nil
        self.path = path
        self.encrypted = false
    }

    /// "call 6f1c...", for messages.
    var objectName: String { "call \(id.lowercaseText)" }

    enum CodingKeys: String, CodingKey {
        case id
        case sipCallID = "sip_call_id"
        case caller
        case callerName = "caller_name"
        case callee
        case startedAt = "started_at"
        case answeredAt = "answered_at"
        case endedAt = "ended_at"
        case durationSeconds = "duration_seconds"
        case billableSeconds = "billable_seconds"
        case disposition
        case cause
        case hangupSide = "hangup_side"
        case path
        case encrypted
    }
}

extension CDRRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cdr"

    // Text, not GRDB's default 16-byte blob, so the ids read well in sqlite3 and exports.
    public static func databaseUUIDEncodingStrategy(for column: String)
        -> DatabaseUUIDEncodingStrategy
    {
        .lowercaseString
    }

    /// The columns the repositories query through GRDB's query interface (GRDB requires the
    /// type to be public); the search writes its SQL itself (``CDRSearchSQL``).
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let disposition = Column(CodingKeys.disposition)
    }

    /// The value of the `id` column for a UUID (lowercase text, as stored).
    static func key(_ id: UUID) -> String { id.lowercaseText }
}
