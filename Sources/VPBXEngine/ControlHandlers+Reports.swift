import Foundation
import VPBXACD
import VPBXControl
import VPBXStore

/// `report.queue`: statistics recomputed from the stored finished queue calls, in buckets on
/// the exchange's local clock (Europe/Budapest, like schedules).
extension ControlHandlers {
    func registerReportMethods(on router: ControlRouter) {
        router.register(ReportQueue.self) { params, _ in
            let interval = params.interval ?? .hour
            guard params.since < params.until else {
                throw RPCError.invalidArgument("until must be later than since", field: "until")
            }
            guard
                QueueReportBuilder.bucketCount(since: params.since, until: params.until, interval: interval)
                    <= QueueReportBuilder.maximumBuckets
            else {
                throw RPCError.invalidArgument(
                    "the period makes more than \(QueueReportBuilder.maximumBuckets) buckets of \(interval.rawValue): "
                        + "use a longer interval or a shorter period", field: "interval")
            }
            let zone = TimeZone(identifier: ScheduleRecord.defaultTimeZone) ?? .gmt
            let rows = try await self.storeCall {
                try await self.queueCalls.records(queue: params.queue, from: params.since, until: params.until)
            }
            let configured = try await self.storeCall { try await self.queues.list() }
            let thresholds = Dictionary(
                configured.map { ($0.name, $0.serviceLevelSeconds) }, uniquingKeysWith: { first, _ in first })
            let names: [String]
            if let queue = params.queue {
                guard thresholds[queue] != nil || !rows.isEmpty else {
                    throw RPCError.notFound(
                        "queue \(queue) does not exist and has no calls in the period (see vpbx queue list)")
                }
                names = [queue]
            } else {
                names = Set(configured.map(\.name)).union(rows.map(\.queue)).sorted {
                    $0.utf8.lexicographicallyPrecedes($1.utf8)
                }
            }
            let byQueue = Dictionary(grouping: rows, by: \.queue)
            return names.map { name in
                QueueReportBuilder.report(
                    queue: name, rows: byQueue[name] ?? [], since: params.since, until: params.until,
                    interval: interval,
                    // A removed queue's history is reported with the core's default threshold.
                    serviceLevelSeconds: thresholds[name] ?? QueueSettings(name: name).serviceLevelSeconds,
                    timeZone: zone)
            }
        }
    }
}
