import Foundation
import Testing
import VPBXStore

/// The schedule and calendar contracts, run against every backend.
@Suite("ScheduleRepository and CalendarRepository contract")
struct ScheduleRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func createGetListReplaceDelete(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let created = try await repos.schedules.create(
                ScheduleRecord(name: "office", weekly: "mon-fri 08:00-17:00"))
            #expect(created.createdAt == TestClock.start)
            #expect(created.timeZone == "Europe/Budapest")
            _ = try await repos.schedules.create(ScheduleRecord(name: "night", weekly: "", observesHolidays: false))
            #expect(try await repos.schedules.list().map(\.name) == ["night", "office"])

            repos.clock.advance(by: 60)
            var changed = created
            changed.weekly = "mon-sat 08:00-20:00"
            changed.overrideMode = "closed"
            changed.overrideUntil = TestClock.start.addingTimeInterval(3600)
            let replaced = try await repos.schedules.replace(changed)
            #expect(replaced.createdAt == TestClock.start)
            #expect(replaced.updatedAt == TestClock.start.addingTimeInterval(60))
            #expect(try await repos.schedules.get("office") == replaced)

            #expect(try await repos.schedules.delete("office"))
            #expect(try await repos.schedules.delete("office") == false)
            #expect(try await repos.schedules.get("office") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func conflictsAndMissingAndInvalid(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.schedules.create(ScheduleRecord(name: "office", weekly: ""))
            let conflict = await #expect(throws: StoreError.self) {
                try await repos.schedules.create(ScheduleRecord(name: "office", weekly: "mon 08:00-09:00"))
            }
            #expect(conflict?.kind == .conflict)
            let missing = await #expect(throws: StoreError.self) {
                try await repos.schedules.replace(ScheduleRecord(name: "other", weekly: ""))
            }
            #expect(missing?.kind == .notFound)
            for bad in ["Office", "9to5", "", "a b", String(repeating: "x", count: 33)] {
                let invalid = await #expect(throws: StoreError.self) {
                    try await repos.schedules.create(ScheduleRecord(name: bad, weekly: ""))
                }
                #expect(invalid?.kind == .invalidArgument, "\(bad)")
            }
            let badOverride = await #expect(throws: StoreError.self) {
                try await repos.schedules.create(ScheduleRecord(name: "x", weekly: "", overrideMode: "maybe"))
            }
            #expect(badOverride?.kind == .invalidArgument)
            #expect(try await repos.schedules.list().count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func holidaysAreKeyedByDate(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.calendar.put(HolidayRecord(date: "2026-12-31", name: "Szilveszter", hours: "08:00-12:00"))
            try await repos.calendar.put(HolidayRecord(date: "2026-07-01", name: "Leltár"))
            try await repos.calendar.put(
                HolidayRecord(date: "2026-12-31", name: "Szilveszter délelőtt", hours: "08:00-11:00"))
            #expect(
                try await repos.calendar.holidays() == [
                    HolidayRecord(date: "2026-07-01", name: "Leltár"),
                    HolidayRecord(date: "2026-12-31", name: "Szilveszter délelőtt", hours: "08:00-11:00"),
                ])
            #expect(try await repos.calendar.deleteHoliday(on: "2026-07-01"))
            #expect(try await repos.calendar.deleteHoliday(on: "2026-07-01") == false)
            for bad in ["2026-02-30", "2026-7-01", "tomorrow"] {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.calendar.put(HolidayRecord(date: bad, name: "x"))
                }
                #expect(error?.kind == .invalidArgument, "\(bad)")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSwapReplacesSwapsSharingADay(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.calendar.put(WorkdaySwapRecord(restDay: "2027-12-24", workday: "2027-12-11"))
            try await repos.calendar.put(WorkdaySwapRecord(restDay: "2027-08-19", workday: "2027-08-07"))
            // Same workday, new rest day: the old pairing goes.
            try await repos.calendar.put(
                WorkdaySwapRecord(restDay: "2027-12-27", workday: "2027-12-11", note: "decree"))
            #expect(
                try await repos.calendar.swaps() == [
                    WorkdaySwapRecord(restDay: "2027-08-19", workday: "2027-08-07"),
                    WorkdaySwapRecord(restDay: "2027-12-27", workday: "2027-12-11", note: "decree"),
                ])
            #expect(try await repos.calendar.deleteSwap(restDay: "2027-08-19"))
            let same = await #expect(throws: StoreError.self) {
                try await repos.calendar.put(WorkdaySwapRecord(restDay: "2027-01-02", workday: "2027-01-02"))
            }
            #expect(same?.kind == .invalidArgument)
        }
    }
}
