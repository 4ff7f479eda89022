import Foundation
import Testing

@testable import VPBXACD

@Suite("Reports recomputed from call records")
struct QueueReportTests {
    @Test("live totals and window equal the figures recomputed from records, across a reset")
    func liveMatchesRecomputed() throws {
        var simulation = try FairnessSimulationTests.callCenter(seed: 5)
        var snapshot: [String: (totals: QueueTotals, window: QueueTotals, since: Date, windowStart: Date)] = [:]
        // Just after 2 h (between whole-second events): remember the live figures, then reset
        // (as at midnight).
        simulation.schedule(.hook("reset"), at: 7200.5)
        simulation.hook = { simulation, _ in
            let now = at(simulation.now)
            for queue in ["sales", "support", "billing"] {
                snapshot[queue] = (
                    simulation.distributor.totals(of: queue)!,
                    simulation.distributor.windowTotals(of: queue, now: now)!,
                    simulation.distributor.statisticsSince, simulation.distributor.windowStart(at: now)
                )
            }
            simulation.distributor.resetStatistics(at: now)
        }
        try simulation.run()
        let end = at(simulation.now)
        var exits = 0
        let records = simulation.records
        for queue in ["sales", "support", "billing"] {
            let level = try #require(simulation.distributor.settings(of: queue)?.serviceLevelSeconds)
            let before = try #require(snapshot[queue])
            // Report intervals are half-open; nothing happens between 7200 and 7200.5.
            let recomputedBefore = QueueReport.totals(
                of: records, queue: queue, from: before.since, until: at(7200.5), serviceLevelSeconds: level)
            #expect(recomputedBefore == before.totals)
            #expect(before.totals.offered > 100)
            let recomputedWindow = QueueReport.totals(
                of: records, queue: queue, from: before.windowStart, until: at(7200.5), serviceLevelSeconds: level)
            #expect(recomputedWindow == before.window)
            #expect(before.window.answered > 5)
            let after = try #require(simulation.distributor.totals(of: queue))
            let recomputedAfter = QueueReport.totals(
                of: records, queue: queue, from: at(7200.5), until: end.addingTimeInterval(1),
                serviceLevelSeconds: level)
            #expect(recomputedAfter == after)
            #expect(after.completed > 100)
            exits +=
                before.totals.overflowed + after.overflowed + before.totals.shortAbandoned + after.shortAbandoned
                + before.totals.rejected + after.rejected
        }
        // The comparison covered overflows, short abandons and rejections too.
        #expect(exits > 10)
    }

    @Test("buckets cut on local quarter hours and add up to the whole period")
    func buckets() throws {
        let (_, records) = try StatisticsTests.scenario()
        // Shift the scenario's calls across a quarter-hour edge: t0 is 08:00 UTC, so 07:59:00.
        let shifted = records.map { record -> QueueCallRecord in
            var moved = record
            let shift: TimeInterval = -60
            moved.joinedAt += shift
            moved.leftQueueAt += shift
            moved.endedAt = moved.endedAt.map { $0 + shift }
            moved.completedAt = moved.completedAt.map { $0 + shift }
            return moved
        }
        let budapest = try #require(TimeZone(identifier: "Europe/Budapest"))
        let buckets = QueueReport.buckets(
            of: shifted, queue: "sales", from: at(-1800), until: at(1800), interval: .quarterHour, timeZone: budapest,
            serviceLevelSeconds: 20)
        #expect(buckets.map(\.start) == [at(-1800), at(-900), at(0), at(900)])
        #expect(buckets.map(\.end) == [at(-900), at(0), at(900), at(1800)])
        // Before 08:00: joins at -60, -40, -30, -20; c1 answered at -50; c3 short abandon at -27.
        #expect(buckets[1].totals.offered == 4)
        #expect(buckets[1].totals.answered == 1)
        #expect(buckets[1].totals.shortAbandoned == 1)
        // After: c4 abandoned at 0, c1 completed at 20, c2 answered at 25 and completed at 75.
        #expect(buckets[2].totals.offered == 0)
        #expect(buckets[2].totals.abandoned == 1)
        #expect(buckets[2].totals.answered == 1)
        #expect(buckets[2].totals.completed == 2)
        #expect(buckets[0].totals == QueueTotals())
        let whole = QueueReport.totals(
            of: shifted, queue: "sales", from: at(-1800), until: at(1800), serviceLevelSeconds: 20)
        #expect(buckets.map(\.totals).reduce(QueueTotals(), +) == whole)
        #expect(whole.serviceLevel == 1.0 / 3.0)
    }

    @Test("day buckets follow local midnights, 23 hours on the spring-forward day")
    func dayBuckets() throws {
        let budapest = try #require(TimeZone(identifier: "Europe/Budapest"))
        let from = try #require(ISO8601DateFormatter().date(from: "2026-03-27T23:00:00Z"))
        let until = try #require(ISO8601DateFormatter().date(from: "2026-03-30T22:00:00Z"))
        let buckets = QueueReport.buckets(
            of: [], queue: "sales", from: from, until: until, interval: .day, timeZone: budapest,
            serviceLevelSeconds: 20)
        #expect(buckets.map { $0.end.timeIntervalSince($0.start) / 3600 } == [24, 23, 24])
        let hours = QueueReport.buckets(
            of: [], queue: "sales", from: from, until: until, interval: .hour, timeZone: budapest,
            serviceLevelSeconds: 20)
        #expect(hours.count == 71)
        // The fall-back day has 25 hourly buckets.
        let autumn = try #require(ISO8601DateFormatter().date(from: "2026-10-24T22:00:00Z"))
        let autumnHours = QueueReport.buckets(
            of: [], queue: "sales", from: autumn, until: LocalMidnight.next(after: autumn, in: budapest),
            interval: .hour, timeZone: budapest, serviceLevelSeconds: 20)
        #expect(autumnHours.count == 25)
        #expect(autumnHours.allSatisfy { $0.end.timeIntervalSince($0.start) == 3600 })
    }
}
