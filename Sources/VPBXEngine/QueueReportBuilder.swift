import Foundation
import VPBXACD
import VPBXControl
import VPBXStore

/// Builds `report.queue` answers from stored finished calls with the ACD core's
/// `QueueReport`, so a report counts exactly what the live statistics count.
enum QueueReportBuilder {
    /// More buckets than this is refused: a year in quarter hours is 35,040 rows nobody reads.
    static let maximumBuckets = 10_000

    static func interval(_ wire: QueueReportInterval) -> ReportInterval {
        switch wire {
        case .quarterHour: .quarterHour
        case .hour: .hour
        case .day: .day
        }
    }

    /// Roughly how many buckets `[since, until)` makes (one more for a cut first bucket).
    static func bucketCount(since: Date, until: Date, interval: QueueReportInterval) -> Int {
        let step: Double =
            switch interval {
            case .quarterHour: 900
            case .hour: 3600
            case .day: 82_800  // the shortest (DST) day, so the estimate errs high
            }
        return Int((until.timeIntervalSince(since) / step).rounded(.up)) + 1
    }

    /// The ACD core's record of a stored call; nil for an outcome this engine does not know.
    static func callRecord(_ row: QueueCallLogRecord) -> QueueCallRecord? {
        guard let outcome = QueueCallRecord.Outcome(rawValue: row.outcome) else { return nil }
        return QueueCallRecord(
            queue: row.queue, caller: row.caller, priority: row.priority, joinedAt: row.joinedAt, outcome: outcome,
            exitReason: row.exitReason.flatMap(QueueExitReason.init(rawValue:)), leftQueueAt: row.leftQueueAt,
            agent: row.agent, endedAt: row.endedAt, completedAt: row.completedAt, waitSeconds: row.waitSeconds,
            talkSeconds: row.talkSeconds, wrapUpSeconds: row.wrapUpSeconds)
    }

    /// One queue's report over `[since, until)`.
    static func report(
        queue: String, rows: [QueueCallLogRecord], since: Date, until: Date, interval: QueueReportInterval,
        serviceLevelSeconds: Int, timeZone: TimeZone
    ) -> QueueReportInfo {
        let records = rows.compactMap(callRecord)
        let buckets = QueueReport.buckets(
            of: records, queue: queue, from: since, until: until, interval: Self.interval(interval),
            timeZone: timeZone, serviceLevelSeconds: serviceLevelSeconds)
        return QueueReportInfo(
            queue: queue, interval: interval, since: since, until: until, serviceLevelThreshold: serviceLevelSeconds,
            timeZone: timeZone.identifier, buckets: buckets.map(bucket))
    }

    static func bucket(_ bucket: QueueReportBucket) -> QueueReportBucketInfo {
        let totals = bucket.totals
        return QueueReportBucketInfo(
            start: bucket.start, end: bucket.end, offered: totals.offered, answered: totals.answered,
            abandoned: totals.abandoned, shortAbandoned: totals.shortAbandoned, overflowed: totals.overflowed,
            rejected: totals.rejected, serviceLevelPercent: totals.serviceLevel.map { $0 * 100 },
            averageSpeedOfAnswer: totals.averageSpeedOfAnswer, averageHandleTime: totals.averageHandleTime,
            longestWait: totals.longestWait)
    }
}
