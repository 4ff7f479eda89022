import Foundation

/// One queue's report built a record at a time, so that a report over a long period can be
/// counted while its records are read instead of after all of them are held: a year of a
/// call center's queue calls is over a million records.
public struct QueueReportAccumulator: Sendable {
    public let queue: String
    public let serviceLevelSeconds: Int
    private let from: Date
    private let until: Date
    /// Empty ones included, so a chart has no gaps.
    public private(set) var buckets: [QueueReportBucket] = []

    /// Buckets covering `[from, until)` as ``QueueReport/buckets(of:queue:from:until:interval:timeZone:serviceLevelSeconds:)``
    /// describes them, all empty.
    public init(
        queue: String, from: Date, until: Date, interval: ReportInterval, timeZone: TimeZone, serviceLevelSeconds: Int
    ) {
        self.queue = queue
        self.serviceLevelSeconds = serviceLevelSeconds
        self.from = from
        self.until = until
        var start = from
        while start < until {
            let end = min(QueueReport.nextEdge(after: start, interval: interval, timeZone: timeZone), until)
            buckets.append(QueueReportBucket(start: start, end: end, totals: QueueTotals()))
            start = end
        }
    }

    /// Counts the events of `record` inside the period, each in its bucket; a record of
    /// another queue is ignored.
    public mutating func add(_ record: QueueCallRecord) {
        guard record.queue == queue, !buckets.isEmpty else { return }
        for (at, event) in record.events where at >= from && at < until {
            // Last bucket whose start is at or before the event.
            var low = 0
            var high = buckets.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if buckets[middle].start <= at { low = middle } else { high = middle - 1 }
            }
            buckets[low].totals.apply(event, serviceLevelSeconds: serviceLevelSeconds)
        }
    }
}
