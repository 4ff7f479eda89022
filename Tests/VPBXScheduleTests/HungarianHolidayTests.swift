import Testing

@testable import VPBXSchedule

@Suite("Hungarian holidays and decreed swaps")
struct HungarianHolidayTests {
    private func dates(_ year: Int) -> [String] { HungarianHolidays.statutory(in: year).map(\.date.description) }

    @Test("2026: the thirteen statutory days")
    func year2026() {
        #expect(
            dates(2026) == [
                "2026-01-01", "2026-03-15", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-24",
                "2026-05-25", "2026-08-20", "2026-10-23", "2026-11-01", "2026-12-25", "2026-12-26",
            ])
    }

    @Test("2025 and 2027: movable feasts follow Easter")
    func movableFeasts() {
        #expect(dates(2025).contains("2025-04-18"))  // Good Friday
        #expect(dates(2025).contains("2025-06-09"))  // Whit Monday
        #expect(dates(2027).contains("2027-03-26"))  // Good Friday
        #expect(dates(2027).contains("2027-03-29"))  // Easter Monday
        #expect(dates(2027).contains("2027-05-17"))  // Whit Monday
    }

    @Test("Good Friday is a holiday only from 2017")
    func goodFriday() {
        #expect(!dates(2016).contains("2016-03-25"))
        #expect(dates(2017).contains("2017-04-14"))
        #expect(HungarianHolidays.statutory(in: 2016).count == 12)
    }

    @Test("the 2026 decree: three rest days, three Saturdays worked with the rest day's hours")
    func decree2026() throws {
        let calendar = HolidayCalendar()
        for (rest, work) in [("2026-01-02", "2026-01-10"), ("2026-08-21", "2026-08-08"), ("2026-12-24", "2026-12-12")] {
            let restDay = try #require(LocalDate(iso: rest))
            let workday = try #require(LocalDate(iso: work))
            guard case .holiday(let holiday) = calendar.rule(on: restDay) else {
                Issue.record("\(rest) should be a rest day")
                continue
            }
            #expect(holiday.kind == .restDay)
            #expect(workday.weekday == .saturday)
            guard case .weekly(let weekday, let swap) = calendar.rule(on: workday) else {
                Issue.record("\(work) should be worked")
                continue
            }
            #expect(weekday == restDay.weekday)
            #expect(swap?.source.contains("NGM") == true)
        }
        #expect(HungarianHolidays.yearsWithDecree == [2025, 2026])
    }

    @Test("without the Hungarian calendar only custom days count")
    func disabled() throws {
        let christmas = try #require(LocalDate(iso: "2026-12-25"))
        #expect(HolidayCalendar(includesHungarianHolidays: false).rule(on: christmas) == .weekly(.friday, swap: nil))
    }

    @Test("custom days: an exception beats a holiday, a custom swap beats the decree")
    func customDays() throws {
        let eve = try #require(LocalDate(iso: "2026-12-24"))
        let morning = try #require(TimeRange(parsing: "08:00-12:00"))
        var calendar = HolidayCalendar()
        calendar.add(DayException(date: eve, name: "Szenteste délelőtt", hours: [morning]))
        #expect(
            calendar.rule(on: eve) == .exception(DayException(date: eve, name: "Szenteste délelőtt", hours: [morning])))
        calendar.removeException(on: eve)
        guard case .holiday = calendar.rule(on: eve) else {
            Issue.record("the decreed rest day should be back")
            return
        }
        let rest = try #require(LocalDate(iso: "2027-12-24"))
        let work = try #require(LocalDate(iso: "2027-12-18"))
        calendar.add(WorkdaySwap(restDay: rest, workday: work, source: "admin"))
        #expect(
            calendar.rule(on: work)
                == .weekly(.friday, swap: WorkdaySwap(restDay: rest, workday: work, source: "admin")))
        #expect(calendar.closedDays(in: 2027).map(\.date).contains(rest))
    }
}
