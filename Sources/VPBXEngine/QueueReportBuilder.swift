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

    /// Refuses an empty or reversed period and one with too many buckets.
    static func check(_ params: ReportQueue.Params) throws(RPCError) {
        let interval = params.interval ?? .hour
        guard params.since < params.until else {
            throw RPCError.invalidArgument("until must be later than since", field: "until")
        }
        guard bucketCount(since: params.since, until: params.until, interval: interval) <= maximumBuckets else {
            throw RPCError.invalidArgument(
                "the period makes more than \(maximumBuckets) buckets of \(interval.rawValue): "
                    + "use a longer interval or a shorter period", field: "interval")
        }
    }

    static func info(
        _ accumulator: QueueReportAccumulator, since: Date, until: Date, interval: QueueReportInterval,
        timeZone: TimeZone
    ) -> QueueReportInfo {
        QueueReportInfo(
            queue: accumulator.queue, interval: interval, since: since, until: until,
            serviceLevelThreshold: accumulator.serviceLevelSeconds, timeZone: timeZone.identifier,
            buckets: accumulator.buckets.map(bucket))
    }

    /// The reports of a period counted a stored call at a time, as the store reads them: for
    /// `params.queue`, or for every configured queue and every queue with calls in the period,
    /// by name. Each queue is reported with its current service-level threshold; a removed
    /// queue's history with the core's default.
    struct Tally: Sendable {
        let params: ReportQueue.Params
        let thresholds: [String: Int]
        let timeZone: TimeZone
        private(set) var byQueue: [String: QueueReportAccumulator] = [:]

        init(_ params: ReportQueue.Params, configured: [QueueRecord], timeZone: TimeZone) {
            self.params = params
            self.thresholds = Dictionary(
                configured.map { ($0.name, $0.serviceLevelSeconds) }, uniquingKeysWith: { first, _ in first })
            self.timeZone = timeZone
        }

        mutating func add(_ row: QueueCallLogRecord) {
            if let queue = params.queue, row.queue != queue { return }
            guard let record = QueueReportBuilder.callRecord(row) else { return }
            if byQueue[row.queue] == nil { byQueue[row.queue] = accumulator(row.queue) }
            byQueue[row.queue]?.add(record)
        }

        func reports() throws(RPCError) -> [QueueReportInfo] {
            let names: [String]
            if let queue = params.queue {
                guard thresholds[queue] != nil || byQueue[queue] != nil else {
                    throw RPCError.notFound(
                        "queue \(queue) does not exist and has no calls in the period (see vpbx queue list)")
                }
                names = [queue]
            } else {
                names = Set(thresholds.keys).union(byQueue.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            }
            return names.map { name in
                QueueReportBuilder.info(
                    byQueue[name] ?? accumulator(name), since: params.since, until: params.until,
                    interval: params.interval ?? .hour, timeZone: timeZone)
            }
        }

        private func accumulator(_ queue: String) -> QueueReportAccumulator {
            QueueReportAccumulator(
                queue: queue, from: params.since, until: params.until,
                interval: QueueReportBuilder.interval(params.interval ?? .hour), timeZone: timeZone,
                serviceLevelSeconds: thresholds[queue] ?? QueueSettings(name: queue).serviceLevelSeconds)
        }
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
