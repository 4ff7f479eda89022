import Foundation
import Testing

@testable import VPBXSchedule

@Suite("Opening hours evaluation")
struct OpeningHoursTests {
    private static let budapest = TimeZone(identifier: "Europe/Budapest")!

    /// An instant given as Budapest wall-clock time.
    private func at(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.budapest
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" }).compactMap { Int($0) }
        return calendar.date(
            from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
    }

    private func office() throws -> OpeningHours {
        try OpeningHours(
            weekly: WeeklySchedule(parsing: "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00"),
            timeZoneNamed: "Europe/Budapest")
    }

    @Test("weekday hours with a lunch break; Saturday morning; Sunday closed")
    func weeklyHours() throws {
        let hours = try office()
        #expect(hours.decision(at: at("2026-11-30 07:59")).isOpen == false)
        #expect(hours.decision(at: at("2026-11-30 08:00")).isOpen == true)
        #expect(hours.decision(at: at("2026-11-30 12:00")).isOpen == false)
        #expect(hours.decision(at: at("2026-11-30 12:30")).nextChange == at("2026-11-30 13:00"))
        #expect(hours.decision(at: at("2026-11-30 16:59")).isOpen == true)
        #expect(hours.decision(at: at("2026-11-30 17:00")).isOpen == false)
        #expect(hours.decision(at: at("2026-12-05 10:00")).isOpen == true)
        #expect(hours.decision(at: at("2026-12-06 10:00")).isOpen == false)
        // Saturday noon to Monday 08:00 is one closed stretch.
        #expect(hours.decision(at: at("2026-12-05 12:00")).nextChange == at("2026-12-07 08:00"))
    }

    @Test("holidays close, the swapped Saturday opens with Friday's hours")
    func holidays() throws {
        let hours = try office()
        let christmasEve = hours.decision(at: at("2026-12-24 10:00"))
        #expect(christmasEve.isOpen == false)
        guard case .holiday(let holiday) = christmasEve.reason else {
            Issue.record("expected a holiday, got \(christmasEve.reason)")
            return
        }
        #expect(holiday.kind == .restDay)
        // Closed from Thursday 24th through Sunday 27th: next opening is Monday 28th.
        #expect(christmasEve.nextChange == at("2026-12-28 08:00"))
        // December 12th is a Saturday worked as a Thursday: open in the afternoon too.
        let workedSaturday = hours.decision(at: at("2026-12-12 15:00"))
        #expect(workedSaturday.isOpen == true)
        #expect(workedSaturday.reason == .weekly(.thursday, swap: HungarianHolidays.decreedSwaps[5]))
        // Easter Monday 2027.
        #expect(hours.decision(at: at("2027-03-29 10:00")).isOpen == false)
    }

    @Test("daylight saving: local hours stay local on both change days")
    func daylightSaving() throws {
        let hours = try OpeningHours(
            weekly: WeeklySchedule(parsing: "mon-sun 08:00-17:00"), timeZoneNamed: "Europe/Budapest")
        // 2026-03-29: clocks go 02:00 -> 03:00 (UTC+1 -> UTC+2). 08:00 local is 06:00 UTC.
        let springOpening = Date(timeIntervalSince1970: 1_774_764_000)  // 2026-03-29T06:00:00Z
        #expect(hours.decision(at: springOpening).isOpen == true)
        #expect(hours.decision(at: springOpening.addingTimeInterval(-60)).isOpen == false)
        // 2026-10-25: clocks go 03:00 -> 02:00. 08:00 local is 07:00 UTC.
        let autumnOpening = Date(timeIntervalSince1970: 1_792_911_600)  // 2026-10-25T07:00:00Z
        #expect(hours.decision(at: autumnOpening).isOpen == true)
        #expect(hours.decision(at: autumnOpening.addingTimeInterval(-60)).isOpen == false)
        // The closed night before the spring change is 23 hours long (17:00 to 08:00 local).
        let saturdayClose = hours.decision(at: at("2026-03-28 17:00"))
        #expect(saturdayClose.nextChange == springOpening)
        #expect(springOpening.timeIntervalSince(at("2026-03-28 17:00")) == 14 * 3600)
    }

    @Test("a night shift past midnight belongs to the day it starts")
    func nightShift() throws {
        let hours = try OpeningHours(
            weekly: WeeklySchedule(parsing: "fri 22:00-06:00"), timeZoneNamed: "Europe/Budapest")
        #expect(hours.decision(at: at("2026-12-04 23:00")).isOpen == true)
        #expect(hours.decision(at: at("2026-12-05 05:59")).isOpen == true)
        #expect(hours.decision(at: at("2026-12-05 06:00")).isOpen == false)
        #expect(hours.decision(at: at("2026-12-04 23:00")).nextChange == at("2026-12-05 06:00"))
        // Thursday night is not open.
        #expect(hours.decision(at: at("2026-12-04 03:00")).isOpen == false)
    }

    @Test("overrides win until they lapse")
    func overrides() throws {
        let hours = try office()
        let until = at("2026-11-30 10:00")
        let closed = ScheduleOverride(mode: .closed, until: until)
        let during = hours.decision(at: at("2026-11-30 09:00"), override: closed)
        #expect(during.isOpen == false)
        #expect(during.reason == .override(closed))
        #expect(during.nextChange == until)
        #expect(hours.decision(at: until, override: closed).isOpen == true)
        let open = ScheduleOverride(mode: .open)
        #expect(hours.decision(at: at("2026-12-25 03:00"), override: open).isOpen == true)
        #expect(hours.decision(at: at("2026-12-25 03:00"), override: open).nextChange == nil)
    }

    @Test("always closed has no next change")
    func alwaysClosed() throws {
        let hours = try OpeningHours(weekly: WeeklySchedule(parsing: ""), timeZoneNamed: "Europe/Budapest")
        let decision = hours.decision(at: at("2026-11-30 10:00"))
        #expect(decision.isOpen == false)
        #expect(decision.nextChange == nil)
    }
}
