import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// How SQLite reads a queue report's calls: the joining-time indexes over the period and the
/// longest stored story before it, never back to the first call (bench/queue-report measures
/// what that cost on a year of calls).
@Suite("Queue call report plan")
struct QueueCallPlanTests {
    private let start = TestClock.start

    private func plan(_ database: VPBXDatabase, queue: String?) async throws -> [String] {
        let (from, until) = (start, start.addingTimeInterval(86_400))
        return try await database.writer.read { db in
            let statement = try GRDBQueueCallLogRepository.periodRequest(db, queue: queue, from: from, until: until)
                .makePreparedRequest(db, forSingleResult: false).statement
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments)
                .map { $0["detail"] }
        }
    }

    @Test func theLongestStoryIsReadFromItsIndex() async throws {
        let database = try VPBXDatabase.inMemory()
        let details = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + QueueCallLogRecord.longestSpanSQL).map { $0["detail"] as String }
        }
        #expect(details.contains { $0.contains("USING INDEX queue_calls_by_span") || $0.contains("USING COVERING INDEX queue_calls_by_span") }, "\(details)")
        #expect(!details.contains { $0.hasPrefix("SCAN") }, "\(details)")
    }

    @Test func aPeriodIsSearchedWithBothBoundsOfTheJoiningTime() async throws {
        let database = try VPBXDatabase.inMemory()
        let one = try await plan(database, queue: "sales")
        #expect(one.contains("SEARCH queue_calls USING INDEX queue_calls_by_queue (queue=? AND joined_at>? AND joined_at<?)"), "\(one)")
        let all = try await plan(database, queue: nil)
        #expect(all.contains("SEARCH queue_calls USING INDEX queue_calls_by_time (joined_at>? AND joined_at<?)"), "\(all)")
    }

    /// The bound follows the longest story: a caller who joined days before the period (a
    /// call left up over a weekend) and completed in it is still found, among many short ones.
    @Test(arguments: StoreBackend.allCases)
    func aLongStoryBeforeThePeriodIsFound(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            func at(_ hours: Double) -> Date { start.addingTimeInterval(hours * 3600) }
            let long = QueueCallLogRecord(
                queue: "sales", caller: "long", joinedAt: at(-72), outcome: "answered", leftQueueAt: at(-71.99),
                agent: "2001", endedAt: at(1), completedAt: at(1.01), waitSeconds: 36, talkSeconds: 72 * 3600)
            _ = try await repos.queueCalls.insert(long)
            for hour in stride(from: -48.0, to: 30, by: 2) {
                _ = try await repos.queueCalls.insert(
                    QueueCallLogRecord(
                        queue: "sales", caller: "short \(hour)", joinedAt: at(hour), outcome: "abandoned",
                        leftQueueAt: at(hour + 0.01), waitSeconds: 36))
            }
            let day = try await repos.queueCalls.records(queue: "sales", from: at(0), until: at(24))
            #expect(day.first?.caller == "long")
            #expect(day.count == 13)
            #expect(day.map(\.joinedAt) == day.map(\.joinedAt).sorted())
            let counted = try await repos.queueCalls.reduce(queue: nil, from: at(0), until: at(24), into: [String]()) {
                $0.append($1.caller)
            }
            #expect(counted == day.map(\.caller))
            let later = try await repos.queueCalls.records(queue: "sales", from: at(2), until: at(24))
            #expect(!later.contains { $0.caller == "long" } && later.count == 11)
        }
    }

    /// A database made by the previous version gets the index on open and keeps its calls.
    @Test func anOlderDatabaseGetsTheIndex() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + VPBXDatabase.fileName
        let call = QueueCallLogRecord(
            queue: "sales", caller: "201", joinedAt: start, outcome: "abandoned", leftQueueAt: start.addingTimeInterval(30),
            waitSeconds: 30)
        do {
            let queue = try DatabaseQueue(path: path)
            try VPBXDatabase.migrator.migrate(queue, upTo: "v13-cdr-number-time-indexes")
            try await queue.write { db in
                var row = call
                try row.insert(db)
            }
            try queue.close()
        }
        var announced: [String] = []
        let database = try VPBXDatabase.open(dataDirectory: directory.path) { announced += $0 }
        defer { try? database.close() }
        #expect(announced == ["v14-queue-call-span-index", "v15-registration-routing", "v16-call-recordings", "v17-trunks", "v18-extension-outbound", "v19-conference-rooms", "v20-trunk-checks", "v21-extension-forwarding", "v22-trunk-pass-caller-id", "v23-extension-withhold-number", "v24-extension-mobile-confirm", "v25-extension-srtp", "v26-cdr-encrypted", "v27-outbound-routes", "v28-conference-leader", "v29-outbound-route-options", "v30-queue-record-calls", "v31-trunk-srtp", "v32-trunk-srv", "v33-conference-record-calls", "v34-outbound-route-override-caller-id", "v35-numbering", "v36-mailbox-email", "v37-voicemail-email-outbox", "v38-extension-do-not-disturb"])
        // GRDB's `indexes(on:)` leaves out indexes on expressions.
        let names = try await database.writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'queue_calls'"))
        }
        #expect(names.contains("queue_calls_by_span"))
        let found = try await GRDBQueueCallLogRepository(database: database).records(
            queue: nil, from: start, until: start.addingTimeInterval(60))
        #expect(found.map(\.caller) == ["201"])
    }
}
