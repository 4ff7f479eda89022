import Foundation

/// A CDR search: all given filters must match; results are newest first.
public struct CDRQuery: Sendable, Equatable {
    /// Calls started at or after this time.
    public var since: Date?
    /// Calls started before this time.
    public var until: Date?
    /// Calls where this number is the caller or the callee.
    public var number: String?
    public var disposition: CallDisposition?
    /// Calls whose audio was (true) or was not (false) encrypted while answered.
    public var encrypted: Bool?
    /// At most this many rows (1–10000).
    public var limit: Int
    /// Only records after this one in the newest-first order: the next page of a search
    /// whose previous page ended with it (an export of more than `limitRange` allows).
    public var before: CDRPosition?
    /// Leave out calls still in progress (their rows are written at the start), so that a
    /// page holds `limit` finished calls whenever that many match.
    public var finishedOnly: Bool

    public static let defaultLimit = 100
    public static let limitRange = 1...10_000

    /// Creates a query; with no arguments it returns the 100 newest calls.
    public init(
        since: Date? = nil,
        until: Date? = nil,
        number: String? = nil,
        disposition: CallDisposition? = nil,
        encrypted: Bool? = nil,
        limit: Int = CDRQuery.defaultLimit,
        before: CDRPosition? = nil,
        finishedOnly: Bool = false
    ) {
        self.since = since
        self.until = until
        self.number = number
        self.disposition = disposition
        self.encrypted = encrypted
        self.limit = limit
        self.before = before
        self.finishedOnly = finishedOnly
    }

    func validate() throws {
        try Validation.range(limit, Self.limitRange, field: "CDR search limit")
        if let since, let until, until < since {
            throw StoreError.invalid("CDR search period is empty: 'until' is before 'since'")
        }
    }

    /// Whether a record passes the filters (the in-memory twin's WHERE clause).
    func matches(_ record: CDRRecord) -> Bool {
        if let since, record.startedAt < since { return false }
        if let until, record.startedAt >= until { return false }
        if let number, record.caller != number && record.callee != number { return false }
        if let disposition, record.disposition != disposition { return false }
        if let encrypted, record.encrypted != encrypted { return false }
        if let before, !before.precedes(record) { return false }
        if finishedOnly, record.disposition == .inProgress { return false }
        return true
    }

    /// Newest first; ties broken by id so that both repositories return the same order.
    static func newestFirst(_ a: CDRRecord, _ b: CDRRecord) -> Bool {
        if a.startedAt != b.startedAt { return a.startedAt > b.startedAt }
        return CDRRecord.key(a.id) > CDRRecord.key(b.id)
    }
}

/// A record's place in a search's newest-first order: its start, then its id.
public struct CDRPosition: Sendable, Equatable {
    public var startedAt: Date
    public var id: UUID

    public init(startedAt: Date, id: UUID) {
        self.startedAt = startedAt
        self.id = id
    }

    /// Whether `record` comes after this position in the newest-first order. Starts compare
    /// as stored, to the millisecond (a position read back from the wire has no more).
    func precedes(_ record: CDRRecord) -> Bool {
        let mine = StorageDateText.text(startedAt)
        let theirs = StorageDateText.text(record.startedAt)
        if theirs != mine { return theirs < mine }
        return CDRRecord.key(record.id) < CDRRecord.key(id)
    }
}
