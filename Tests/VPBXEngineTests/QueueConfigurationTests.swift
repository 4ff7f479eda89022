import Foundation
import Testing
import VPBXACD
import VPBXControl
import VPBXStore

@testable import VPBXEngine

/// The mapping between stored queues, the ACD core and the wire, and reports from stored calls.
@Suite("Queue configuration")
struct QueueConfigurationTests {
    @Test("a stored queue becomes the core's settings with every field and members in order")
    func settingsFromRecord() throws {
        let record = QueueRecord(
            name: "sales", strategy: "least-recent", ringTimeoutSeconds: 15, retryDelaySeconds: 2, maxWaitSeconds: 90,
            overflowDestination: "vm:1001", maxLength: 5, rejectJoinWhen: "no-agents-unpaused",
            leaveWhen: "no-agents-logged-in", serviceLevelSeconds: 30, shortAbandonSeconds: 3, wrapUpSeconds: 7,
            announcementIntervalSeconds: 45, exitDigit: "*", pauseOnNoAnswer: true)
        let members = [
            QueueMemberRecord(queue: "sales", agent: "2002", penalty: 1, position: 1),
            QueueMemberRecord(queue: "sales", agent: "2001", penalty: 0, position: 0),
        ]
        let settings = try QueueConfiguration.settings(record, members: members)
        #expect(
            settings
                == QueueSettings(
                    name: "sales", strategy: .leastRecent,
                    members: [QueueMember(agent: "2001", penalty: 0), QueueMember(agent: "2002", penalty: 1)],
                    ringTimeoutSeconds: 15, retryDelaySeconds: 2, maxWaitSeconds: 90, overflowDestination: "vm:1001",
                    maxLength: 5, rejectJoinWhen: .noAgentsUnpaused, leaveWhen: .noAgentsLoggedIn,
                    serviceLevelSeconds: 30, shortAbandonSeconds: 3, wrapUpSeconds: 7, announcementIntervalSeconds: 45,
                    exitDigit: "*", pauseOnNoAnswer: true))
        #expect(throws: QueueConfigurationError.self) {
            try QueueConfiguration.settings(QueueRecord(name: "x", strategy: "fastest"), members: [])
        }
    }

    @Test("0 and \"\" unset the optional settings; absent fields stay")
    func partialApply() {
        var record = QueueRecord(
            name: "sales", maxWaitSeconds: 90, overflowDestination: "vm:1001", maxLength: 5,
            announcementIntervalSeconds: 45, exitDigit: "#")
        QueueConfiguration.apply(QueueParams(name: "sales", wrapUp: 12), to: &record)
        #expect(record.wrapUpSeconds == 12 && record.maxWaitSeconds == 90 && record.exitDigit == "#")
        QueueConfiguration.apply(
            QueueParams(name: "sales", maxWait: 0, overflow: "", maxLength: 0, announceEvery: 0, exitDigit: ""),
            to: &record)
        #expect(record.maxWaitSeconds == nil && record.overflowDestination == nil && record.maxLength == nil)
        #expect(record.announcementIntervalSeconds == nil && record.exitDigit == nil && record.wrapUpSeconds == 12)
    }

    @Test(
        "the core's validation message reaches the wire with the field's wire name",
        arguments: [
            (QueueRecord(name: "sales", ringTimeoutSeconds: 0), "ringTimeout", "ring timeout must be 1 to 600"),
            (QueueRecord(name: "sales", maxWaitSeconds: -3), "maxWait", "max wait must be at least 1"),
            (QueueRecord(name: "sales", wrapUpSeconds: 4000), "wrapUp", "wrap-up must be 0 to 3600"),
            (QueueRecord(name: "sales", announcementIntervalSeconds: 5), "announceEvery", "announcement interval"),
            (QueueRecord(name: "sales", exitDigit: "x"), "exitDigit", "exit digit must be one of"),
            (QueueRecord(name: "sales", overflowDestination: "queue:sales"), "overflow", "cannot be the queue itself"),
            (QueueRecord(name: "bad name"), "name", "must be 1 to 64"),
        ])
    func validationMessages(record: QueueRecord, field: String, message: String) {
        let error = #expect(throws: RPCError.self) { try QueueConfiguration.validate(record, members: []) }
        #expect(error?.reason == .invalidArgument)
        #expect(error?.data?["field"]?.stringValue == field)
        #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
    }

    @Test("a negative member penalty is refused by the core and named as penalty")
    func penalty() {
        let error = #expect(throws: RPCError.self) {
            try QueueConfiguration.validate(
                QueueRecord(name: "sales"), members: [QueueMemberRecord(queue: "sales", agent: "2001", penalty: -1)])
        }
        #expect(error?.data?["field"]?.stringValue == "penalty")
    }

    @Test("a report counts stored calls in local buckets with the queue's threshold")
    func report() throws {
        let hour = try #require(ISO8601DateFormatter().date(from: "2026-03-02T08:00:00Z"))
        func at(_ minutes: Double) -> Date { hour.addingTimeInterval(minutes * 60) }
        let rows = [
            QueueCallLogRecord(
                queue: "sales", caller: "1", joinedAt: at(1), outcome: "answered", leftQueueAt: at(1.25), agent: "2001",
                endedAt: at(5), completedAt: at(6), waitSeconds: 15, talkSeconds: 225, wrapUpSeconds: 60),
            QueueCallLogRecord(
                queue: "sales", caller: "2", joinedAt: at(2), outcome: "answered", leftQueueAt: at(3), agent: "2002",
                endedAt: at(20), completedAt: at(20), waitSeconds: 60, talkSeconds: 1020),
            QueueCallLogRecord(
                queue: "sales", caller: "3", joinedAt: at(4), outcome: "abandoned", leftQueueAt: at(5.5),
                waitSeconds: 90),
            QueueCallLogRecord(
                queue: "sales", caller: "4", joinedAt: at(7), outcome: "short-abandoned", leftQueueAt: at(7.05),
                waitSeconds: 3),
            QueueCallLogRecord(
                queue: "sales", caller: "5", joinedAt: at(8), outcome: "rejected", exitReason: "queue-full",
                leftQueueAt: at(8), waitSeconds: 0),
        ]
        let reports = try QueueReportBuilder.reports(
            ReportQueue.Params(queue: "sales", since: hour, until: at(30), interval: .quarterHour), rows: rows,
            configured: [QueueRecord(name: "sales", serviceLevelSeconds: 20)],
            timeZone: try #require(TimeZone(identifier: "Europe/Budapest")))
        let report = try #require(reports.first)
        #expect(reports.count == 1 && report.serviceLevelThreshold == 20)
        #expect(report.buckets.map(\.start) == [hour, at(15)])
        let first = report.buckets[0]
        #expect(first.offered == 4 && first.answered == 2 && first.abandoned == 1 && first.shortAbandoned == 1)
        #expect(first.rejected == 1 && first.overflowed == 0)
        // One of answered 2 + abandoned 1 within 20 s.
        #expect(abs((first.serviceLevelPercent ?? 0) - 100.0 / 3) < 0.001)
        #expect(first.averageSpeedOfAnswer == 37.5)
        #expect(first.averageHandleTime == 285)
        #expect(first.longestWait == 90)
        let second = report.buckets[1]
        #expect(second.offered == 0 && second.answered == 0 && second.serviceLevelPercent == nil)
        // The second answered call completed at minute 20: its handle time lands there.
        #expect(second.averageHandleTime == 1020)
    }

    @Test("without a queue every configured queue and every queue with calls is reported, by name")
    func reportsOfEveryQueue() throws {
        let since = try #require(RPCCoding.parseDate("2026-03-02T08:00:00Z"))
        let until = since.addingTimeInterval(3600)
        let rows = [
            QueueCallLogRecord(
                queue: "old", caller: "1", joinedAt: since.addingTimeInterval(60), outcome: "answered",
                leftQueueAt: since.addingTimeInterval(85), waitSeconds: 25),
            QueueCallLogRecord(
                queue: "sales", caller: "2", joinedAt: since.addingTimeInterval(60), outcome: "answered",
                leftQueueAt: since.addingTimeInterval(85), waitSeconds: 25),
        ]
        let configured = [
            QueueRecord(name: "support", serviceLevelSeconds: 10), QueueRecord(name: "sales", serviceLevelSeconds: 30),
        ]
        let zone = try #require(TimeZone(identifier: "Europe/Budapest"))
        let all = try QueueReportBuilder.reports(
            ReportQueue.Params(since: since, until: until, interval: .hour), rows: rows, configured: configured,
            timeZone: zone)
        #expect(all.map(\.queue) == ["old", "sales", "support"])
        // The removed queue is reported with the core's default threshold (20 s): 25 s is outside.
        #expect(all.map(\.serviceLevelThreshold) == [20, 30, 10])
        #expect(all.map { $0.buckets.first?.serviceLevelPercent } == [0, 100, nil])
        #expect(all.map { $0.buckets.first?.offered } == [1, 1, 0])

        let one = try QueueReportBuilder.reports(
            ReportQueue.Params(queue: "support", since: since, until: until), rows: [], configured: configured,
            timeZone: zone)
        #expect(one.map(\.queue) == ["support"] && one.first?.interval == .hour)
        let unknown = #expect(throws: RPCError.self) {
            try QueueReportBuilder.reports(
                ReportQueue.Params(queue: "nowhere", since: since, until: until), rows: rows, configured: configured,
                timeZone: zone)
        }
        #expect(unknown?.reason == .notFound)
        let reversed = #expect(throws: RPCError.self) {
            try QueueReportBuilder.check(ReportQueue.Params(since: until, until: since))
        }
        #expect(reversed?.reason == .invalidArgument)
    }

    @Test("the bucket estimate refuses a year in quarter hours and allows a day")
    func bucketLimit() {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let year = start.addingTimeInterval(365 * 86_400)
        #expect(
            QueueReportBuilder.bucketCount(since: start, until: year, interval: .quarterHour)
                > QueueReportBuilder.maximumBuckets)
        #expect(
            QueueReportBuilder.bucketCount(
                since: start, until: start.addingTimeInterval(86_400), interval: .quarterHour)
                == 97)
    }
}

extension QueueReportBuilder {
    /// The answer of `report.queue` for rows already at hand, as the handler's tally counts
    /// them while the store reads them.
    static func reports(
        _ params: ReportQueue.Params, rows: [QueueCallLogRecord], configured: [QueueRecord], timeZone: TimeZone
    ) throws(RPCError) -> [QueueReportInfo] {
        var tally = Tally(params, configured: configured, timeZone: timeZone)
        for row in rows { tally.add(row) }
        return try tally.reports()
    }
}
