import Testing

@testable import VPBXSchedule

@Suite("Weekly schedule notation")
struct WeeklyScheduleTests {
    @Test("clauses, ranges, lists and wrap-around day ranges")
    func parsing() throws {
        let schedule = try WeeklySchedule(parsing: "mon-fri 08:00-12:00,13:00-17:00; wed closed; sat-sun 10:00-14:00")
        #expect(schedule.ranges(on: .monday).map(\.description) == ["08:00-12:00", "13:00-17:00"])
        #expect(schedule.ranges(on: .wednesday).isEmpty)
        #expect(schedule.ranges(on: .sunday).map(\.description) == ["10:00-14:00"])
        #expect(
            schedule.notation == "mon 08:00-12:00,13:00-17:00; tue 08:00-12:00,13:00-17:00; "
                + "thu 08:00-12:00,13:00-17:00; fri 08:00-12:00,13:00-17:00; sat 10:00-14:00; sun 10:00-14:00")
        #expect(try WeeklySchedule(parsing: schedule.notation) == schedule)
        let wrap = try WeeklySchedule(parsing: "sat-mon 00:00-24:00")
        #expect(Set(wrap.ranges.keys) == [.saturday, .sunday, .monday])
        let list = try WeeklySchedule(parsing: "h/sze/p 9:00-10:00")
        #expect(Set(list.ranges.keys) == [.monday, .wednesday, .friday])
    }

    @Test(
        "bad notation is refused with a message saying what to write",
        arguments: [
            ("mon-fri", "not a schedule clause"), ("mon-fri 8-17", "not a time range"),
            ("funday 08:00-17:00", "not a day"), ("mon 25:00-26:00", "not a time range"),
            ("mon 08:00-08:00", "not a time range"), ("mon 24:00-08:00", "not a time range"),
            ("mon 08:00-17:00 extra", "not a schedule clause"), ("mon-xyz 08:00-17:00", "not a day"),
        ])
    func refused(text: String, message: String) {
        #expect {
            try WeeklySchedule(parsing: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
