import Foundation
import VPBXControl
import VPBXStore

/// `report.queue`: statistics recomputed from the stored finished queue calls, in buckets on
/// the exchange's local clock (Europe/Budapest, like schedules).
extension ControlHandlers {
    func registerReportMethods(on router: ControlRouter) {
        router.register(ReportQueue.self) { params, _ in
            try QueueReportBuilder.check(params)
            let rows = try await self.storeCall {
                try await self.queueCalls.records(queue: params.queue, from: params.since, until: params.until)
            }
            let configured = try await self.storeCall { try await self.queues.list() }
            return try QueueReportBuilder.reports(
                params, rows: rows, configured: configured,
                timeZone: TimeZone(identifier: ScheduleRecord.defaultTimeZone) ?? .gmt)
        }
    }
}
