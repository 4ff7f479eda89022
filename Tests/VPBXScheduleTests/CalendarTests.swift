import Testing

@testable import VPBXSchedule

@Suite("Civil dates, weekdays and Easter")
struct CalendarTests {
    @Test("day numbers round-trip across leap years and centuries")
    func dayNumbersRoundTrip() throws {
        let epoch = try #require(LocalDate(year: 1970, month: 1, day: 1))
        #expect(epoch.dayNumber == 0)
        let leap = try #require(LocalDate(year: 2000, month: 2, day: 29))
        #expect(leap.dayNumber == 11_016)
        for number in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(dayNumber: number).dayNumber == number)
        }
        #expect(leap.adding(days: 1) == LocalDate(year: 2000, month: 3, day: 1))
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2026, month: 4, day: 31) == nil)
    }

    @Test("ISO parsing is strict")
    func isoParsing() {
        #expect(LocalDate(iso: "2026-12-24")?.description == "2026-12-24")
        for bad in ["2026-12-4", "26-12-24", "2026/12/24", "2026-13-01", "2026-02-30", "", "2026-12-24x"] {
            #expect(LocalDate(iso: bad) == nil, "\(bad)")
        }
    }

    @Test("weekdays of known dates")
    func weekdays() {
        #expect(LocalDate(year: 1970, month: 1, day: 1)?.weekday == .thursday)
        #expect(LocalDate(year: 2026, month: 11, day: 30)?.weekday == .monday)
        #expect(LocalDate(year: 2026, month: 1, day: 10)?.weekday == .saturday)
        #expect(LocalDate(year: 2000, month: 1, day: 1)?.weekday == .saturday)
        #expect(LocalDate(year: 1969, month: 12, day: 31)?.weekday == .wednesday)
    }

    @Test(
        "Easter Sunday, checked against published dates",
        arguments: [
            (1961, 4, 2), (2000, 4, 23), (2008, 3, 23), (2011, 4, 24), (2019, 4, 21), (2024, 3, 31),
            (2025, 4, 20), (2026, 4, 5), (2027, 3, 28), (2038, 4, 25), (2285, 3, 22),
        ])
    func easter(year: Int, month: Int, day: Int) {
        #expect(Easter.sunday(of: year) == LocalDate(year: year, month: month, day: day))
    }

    @Test("weekday names in English and Hungarian")
    func weekdayNames() {
        #expect(Weekday(name: "Mon") == .monday)
        #expect(Weekday(name: "hétfő") == .monday)
        #expect(Weekday(name: "CS") == .thursday)
        #expect(Weekday(name: "szo") == .saturday)
        #expect(Weekday(name: "v") == .sunday)
        #expect(Weekday(name: "someday") == nil)
    }
}
