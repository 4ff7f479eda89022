import Foundation
import GRDB

// Hand-written row mapping for reading queue calls. A report over a year reads a million
// and more of them, and the Codable-derived mapping (each column found by name, each date
// parsed through a `Calendar`) was two thirds of the engine's time in such a report. Rows are
// written with the derived encoding, which stays: one insert per finished caller is cheap.
extension QueueCallLogRecord {
    /// The columns every request selects, in the order ``init(row:)`` reads them.
    public static var databaseSelection: [any SQLSelectable] { selectedColumns.map { Column($0) } }

    static let selectedColumns = [
        "id", "queue", "caller", "priority", "joined_at", "outcome", "exit_reason", "left_queue_at", "agent",
        "ended_at", "completed_at", "wait_seconds", "talk_seconds", "wrap_up_seconds",
    ]

    /// The record of a row selected with ``databaseSelection``. The last event's time is
    /// derived again, as when the record was made.
    public init(row: Row) throws {
        func date(_ index: Int, _ column: String) throws -> Date {
            guard let date = try row.storageDate(atIndex: index) else {
                throw StoreError.invalid("a queue call's \(column) is empty")
            }
            return date
        }
        self.init(
            id: try row.decode(Int64?.self, atIndex: 0), queue: try row.decode(String.self, atIndex: 1),
            caller: try row.decode(String.self, atIndex: 2), priority: try row.decode(Int.self, atIndex: 3),
            joinedAt: try date(4, "joined_at"), outcome: try row.decode(String.self, atIndex: 5),
            exitReason: try row.decode(String?.self, atIndex: 6), leftQueueAt: try date(7, "left_queue_at"),
            agent: try row.decode(String?.self, atIndex: 8), endedAt: try row.storageDate(atIndex: 9),
            completedAt: try row.storageDate(atIndex: 10), waitSeconds: try row.decode(Double.self, atIndex: 11),
            talkSeconds: try row.decode(Double.self, atIndex: 12), wrapUpSeconds: try row.decode(Double.self, atIndex: 13))
    }

    /// How long the longest stored caller's story lasted, from joining to the last event, in
    /// days; the expression of the index `queue_calls_by_span` (migration
    /// v14-queue-call-span-index), spelled the same so SQLite uses that index.
    static let longestSpanSQL = "SELECT max(julianday(last_event_at) - julianday(joined_at)) FROM queue_calls"
}
