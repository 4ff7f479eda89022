import Foundation
import Testing

@testable import VPBXACD

@Suite("Local midnight for the daily reset")
struct LocalMidnightTests {
    let budapest = TimeZone(identifier: "Europe/Budapest")!

    func utc(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    @Test("an ordinary winter day in Budapest starts at 23:00 UTC the day before")
    func ordinaryDay() throws {
        let noon = try utc("2026-11-30T10:00:00Z")
        #expect(LocalMidnight.last(atOrBefore: noon, in: budapest) == (try utc("2026-11-29T23:00:00Z")))
        #expect(LocalMidnight.next(after: noon, in: budapest) == (try utc("2026-11-30T23:00:00Z")))
    }

    @Test("midnight itself is the last midnight, and the next one is a day later")
    func exactlyMidnight() throws {
        let midnight = try utc("2026-07-01T22:00:00Z")
        #expect(LocalMidnight.last(atOrBefore: midnight, in: budapest) == midnight)
        #expect(LocalMidnight.next(after: midnight, in: budapest) == (try utc("2026-07-02T22:00:00Z")))
        #expect(
            LocalMidnight.last(atOrBefore: midnight.addingTimeInterval(-1), in: budapest)
                == (try utc("2026-06-30T22:00:00Z")))
    }

    @Test("the spring-forward day is 23 hours long")
    func springForward() throws {
        let noon = try utc("2026-03-29T10:00:00Z")
        let start = LocalMidnight.last(atOrBefore: noon, in: budapest)
        let end = LocalMidnight.next(after: noon, in: budapest)
        #expect(start == (try utc("2026-03-28T23:00:00Z")))
        #expect(end == (try utc("2026-03-29T22:00:00Z")))
        #expect(end.timeIntervalSince(start) == 23 * 3600)
    }

    @Test("the fall-back day is 25 hours long, and the repeated hour belongs to it")
    func fallBack() throws {
        // 02:30 local, the second time (CET, 01:30 UTC).
        let repeated = try utc("2026-10-25T01:30:00Z")
        let start = LocalMidnight.last(atOrBefore: repeated, in: budapest)
        let end = LocalMidnight.next(after: repeated, in: budapest)
        #expect(start == (try utc("2026-10-24T22:00:00Z")))
        #expect(end == (try utc("2026-10-25T23:00:00Z")))
        #expect(end.timeIntervalSince(start) == 25 * 3600)
    }

    @Test("where DST skips midnight, the day starts at 01:00")
    func skippedMidnight() throws {
        // São Paulo moved clocks from 00:00 to 01:00 on 2018-11-04.
        let zone = try #require(TimeZone(identifier: "America/Sao_Paulo"))
        let noon = try utc("2018-11-04T15:00:00Z")
        #expect(LocalMidnight.last(atOrBefore: noon, in: zone) == (try utc("2018-11-04T03:00:00Z")))
        #expect(
            LocalMidnight.next(after: try utc("2018-11-03T15:00:00Z"), in: zone) == (try utc("2018-11-04T03:00:00Z")))
        #expect(LocalMidnight.next(after: noon, in: zone) == (try utc("2018-11-05T02:00:00Z")))
    }
}
