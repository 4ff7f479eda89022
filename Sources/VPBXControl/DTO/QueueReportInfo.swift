import Foundation

/// Bucket size of a queue report.
public enum QueueReportInterval: String, WireEnum {
    case quarterHour = "15m"
    case hour = "1h"
    case day = "1d"
}

/// The figures of one report bucket, over events in `[start, end)` (docs/call-center.md has the
/// definitions). Averages and the service level are absent when nothing counts toward them.
public struct QueueReportBucketInfo: Codable, Sendable, Hashable {
    public var start: Date
    public var end: Date
    /// Callers who entered the queue.
    public var offered: Int
    public var answered: Int
    /// Hung up while waiting, after the short-abandon threshold.
    public var abandoned: Int
    /// Hung up before the short-abandon threshold.
    public var shortAbandoned: Int
    /// Sent to the overflow destination after joining.
    public var overflowed: Int
    /// Turned away on arrival (full, or empty by the join rule); not in `offered`.
    public var rejected: Int
    /// Answered within the threshold / (answered + abandoned + overflowed), in percent.
    public var serviceLevelPercent: Double?
    /// Average speed of answer, seconds.
    public var averageSpeedOfAnswer: Double?
    /// Average handle time (talk + wrap-up), seconds.
    public var averageHandleTime: Double?
    /// Longest wait of a caller who stopped waiting in the bucket, seconds.
    public var longestWait: Double

    public init(
        start: Date, end: Date, offered: Int, answered: Int, abandoned: Int, shortAbandoned: Int, overflowed: Int,
        rejected: Int, serviceLevelPercent: Double?, averageSpeedOfAnswer: Double?, averageHandleTime: Double?,
        longestWait: Double
    ) {
        self.start = start
        self.end = end
        self.offered = offered
        self.answered = answered
        self.abandoned = abandoned
        self.shortAbandoned = shortAbandoned
        self.overflowed = overflowed
        self.rejected = rejected
        self.serviceLevelPercent = serviceLevelPercent
        self.averageSpeedOfAnswer = averageSpeedOfAnswer
        self.averageHandleTime = averageHandleTime
        self.longestWait = longestWait
    }
}

/// One queue's report: consecutive buckets covering `[since, until)`, empty ones included.
public struct QueueReportInfo: Codable, Sendable, Hashable {
    public var queue: String
    public var interval: QueueReportInterval
    public var since: Date
    public var until: Date
    /// The queue's service-level threshold (seconds) the report was computed with.
    public var serviceLevelThreshold: Int
    /// The time zone whose local quarter hours, hours and midnights are the bucket edges.
    public var timeZone: String
    public var buckets: [QueueReportBucketInfo]

    public init(
        queue: String, interval: QueueReportInterval, since: Date, until: Date, serviceLevelThreshold: Int,
        timeZone: String, buckets: [QueueReportBucketInfo]
    ) {
        self.queue = queue
        self.interval = interval
        self.since = since
        self.until = until
        self.serviceLevelThreshold = serviceLevelThreshold
        self.timeZone = timeZone
        self.buckets = buckets
    }
}
