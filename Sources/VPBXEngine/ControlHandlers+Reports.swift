import Foundation
import VPBXControl
import VPBXStore

/// `report.queue`: statistics recomputed from the stored finished queue calls, in buckets on
/// the exchange's local clock (Europe/Budapest, like schedules).
extension ControlHandlers {
    func registerReportMethods(on router: ControlRouter) {
        router.register(ReportQueue.self) { params, _ in
            try QueueReportBuilder.check(params)
            let configured = try await self.storeCall { try await self.queues.list() }
            let timeZone = TimeZone(identifier: ScheduleRecord.defaultTimeZone) ?? .gmt
            let tally = try await self.storeCall {
                try await self.queueCalls.reduce(
                    queue: params.queue, from: params.since, until: params.until,
                    into: QueueReportBuilder.Tally(params, configured: configured, timeZone: timeZone)
                ) { tally, row in tally.add(row) }
            }
            return try tally.reports()
        }
    }
}
