import Foundation

/// `report.queue`: queue statistics recomputed from the stored finished calls.
public enum ReportQueue: RPCMethod {
    public static let name = "report.queue"
    public static let summary =
        "Queue statistics per 15m, 1h or 1d bucket over [since, until): offered, answered, abandoned, service level, ASA, AHT."
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    /// One report per queue, by name.
    public typealias Result = [QueueReportInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// Only this queue; nil: every configured queue and every queue with calls in the period.
        public var queue: String?
        public var since: Date
        public var until: Date
        /// Default `1h`.
        public var interval: QueueReportInterval?

        public init(queue: String? = nil, since: Date, until: Date, interval: QueueReportInterval? = nil) {
            self.queue = queue
            self.since = since
            self.until = until
            self.interval = interval
        }
    }
}
