import Foundation

/// Bucket size of a queue report (`vpbx report queue --interval`).
public enum ReportInterval: String, Sendable, Equatable, Codable, CaseIterable {
    case quarterHour = "15m"
    case hour = "1h"
    case day = "1d"
}

/// One row of a report: the figures of events in `[start, end)`.
public struct QueueReportBucket: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date
    public var totals: QueueTotals
}

/// Recomputes queue statistics from stored `QueueCallRecord`s: the same events counted at the
/// same instants as the live counters, so a report over a period equals the live figures of
/// that period.
public enum QueueReport {
    /// The figures of `queue` for events in `[from, until)`.
    public static func totals(
        of records: [QueueCallRecord], queue: String, from: Date, until: Date, serviceLevelSeconds: Int
    ) -> QueueTotals {
        var totals = QueueTotals()
        for record in records where record.queue == queue {
            for (at, event) in record.events where at >= from && at < until {
                totals.apply(event, serviceLevelSeconds: serviceLevelSeconds)
            }
        }
        return totals
    }

    /// The figures of `queue` in consecutive buckets covering `[from, until)`. Bucket edges are
    /// local (quarter hours, hours, midnights in `timeZone`); the first and last bucket are cut
    /// at `from` and `until`. Empty buckets are included, so a chart has no gaps.
    public static func buckets(
        of records: [QueueCallRecord], queue: String, from: Date, until: Date, interval: ReportInterval,
        timeZone: TimeZone, serviceLevelSeconds: Int
    ) -> [QueueReportBucket] {
        var report = QueueReportAccumulator(
            queue: queue, from: from, until: until, interval: interval, timeZone: timeZone,
            serviceLevelSeconds: serviceLevelSeconds)
        for record in records { report.add(record) }
        return report.buckets
    }

    /// The first bucket edge strictly after `date`.
    static func nextEdge(after date: Date, interval: ReportInterval, timeZone: TimeZone) -> Date {
        switch interval {
        case .day:
            return LocalMidnight.next(after: date, in: timeZone)
        case .hour, .quarterHour:
            let step = TimeInterval(interval == .hour ? 3600 : 900)
            // Align on local wall-clock edges, so zones with half-hour offsets get local quarter
            // hours; the offset in force at `date` is the one that matters.
            let offset = TimeInterval(timeZone.secondsFromGMT(for: date))
            let local = date.timeIntervalSince1970 + offset
            let edge = ((local / step).rounded(.down) + 1) * step - offset
            return Date(timeIntervalSince1970: edge)
        }
    }
}
