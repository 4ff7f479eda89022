import Foundation

/// How a call ended, from the caller's point of view.
public enum CallDisposition: String, WireEnum {
    case answered
    case noAnswer = "no_answer"
    case busy
    case failed
    case cancelled
}

/// Which side ended the call.
public enum HangupSide: String, WireEnum {
    case caller, callee, system
}

/// A call detail record.
public struct CDRInfo: Codable, Sendable, Hashable {
    public var id: String
    public var caller: String
    public var callerName: String?
    public var callee: String
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date
    /// From start to end.
    public var durationSeconds: Int
    /// From answer to end; 0 when unanswered.
    public var billableSeconds: Int
    public var disposition: CallDisposition
    /// SIP status or reason text, e.g. `486 Busy Here`, `normal clearing`.
    public var cause: String?
    public var hangupSide: HangupSide?
    /// The steps before ringing: `route:100`, `time:office=closed`, `ext:1002`; absent for a
    /// plain extension call.
    public var path: [String]?
    /// Whether the call's audio was encrypted (SRTP) on some leg while it was answered: SRTP
    /// the engine terminated on a phone's leg, or SDES keys passed end to end between the
    /// phones (as `CallInfo.encrypted` says of a live call). Since stop 54; absent from an
    /// older engine, which does not know. False for unanswered calls and for calls recorded
    /// before the engine kept it.
    public var encrypted: Bool?

    public init(
        id: String, caller: String, callerName: String? = nil, callee: String, startedAt: Date,
        answeredAt: Date? = nil, endedAt: Date, durationSeconds: Int, billableSeconds: Int,
        disposition: CallDisposition, cause: String? = nil, hangupSide: HangupSide? = nil, path: [String]? = nil,
        encrypted: Bool? = nil
    ) {
        self.path = path
        self.id = id
        self.caller = caller
        self.callerName = callerName
        self.callee = callee
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.durationSeconds = durationSeconds
        self.billableSeconds = billableSeconds
        self.disposition = disposition
        self.cause = cause
        self.hangupSide = hangupSide
        self.encrypted = encrypted
    }
}

/// A record's place in `cdr.search`'s newest-first order (its start, then its id): the last
/// record of a page, from which the next page goes on.
public struct CDRCursor: Codable, Sendable, Hashable {
    public var startedAt: Date
    public var id: String

    public init(startedAt: Date, id: String) {
        self.startedAt = startedAt
        self.id = id
    }

    public init(after record: CDRInfo) {
        self.init(startedAt: record.startedAt, id: record.id)
    }
}
