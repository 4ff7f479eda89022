import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Opening hours and the holiday calendar through the real `vpbx` CLI and engine.
    @Suite("Schedules and holidays")
    struct ScheduleTests {
        /// `vpbx schedule show NAME --at T --json`.
        private func show(_ pbx: TestPBX, _ name: String, at instant: String) async throws -> ScheduleInfo {
            try await pbx.cli.json(ScheduleInfo.self, ["schedule", "show", name, "--at", instant])
        }

        @Test("weekly hours, a decreed rest day, a worked Saturday and a company half day")
        func calendar() async throws {
            try await TestPBX.run { pbx in
                let created = try await pbx.cli.json(
                    ScheduleInfo.self, ["schedule", "add", "office", "--hours", "mon-fri 08:00-17:00"])
                #expect(
                    created.hours
                        == "mon 08:00-17:00; tue 08:00-17:00; wed 08:00-17:00; thu 08:00-17:00; fri 08:00-17:00")
                #expect(created.timeZone == "Europe/Budapest")

                // Monday 2026-11-30 09:00 UTC is 10:00 in Budapest: open until 17:00 local (16:00 UTC).
                let monday = try await show(pbx, "office", at: "2026-11-30T09:00:00Z")
                #expect(monday.status.open && monday.status.reason == .weekly)
                #expect(monday.status.nextChange.map(RPCCoding.formatDate) == "2026-11-30T16:00:00.000Z")

                // 24 December 2026 is a decreed rest day; the office reopens on Monday the 28th.
                let eve = try await show(pbx, "office", at: "2026-12-24T09:00:00Z")
                #expect(!eve.status.open && eve.status.reason == .restDay)
                #expect(eve.status.nextChange.map(RPCCoding.formatDate) == "2026-12-28T07:00:00.000Z")

                // Saturday 12 December is worked (with Thursday's hours).
                let saturday = try await show(pbx, "office", at: "2026-12-12T14:00:00Z")
                #expect(saturday.status.open && saturday.status.reason == .workday)

                // Easter Monday 2027 is computed, not listed anywhere.
                let easterMonday = try await show(pbx, "office", at: "2027-03-29T09:00:00Z")
                #expect(!easterMonday.status.open && easterMonday.status.reason == .holiday)

                // A company half day on New Year's Eve.
                let added = try await pbx.cli.json(
                    HolidayInfo.self,
                    ["holiday", "add", "2026-12-31", "--name", "Szilveszter", "--hours", "08:00-12:00"])
                #expect(added.kind == .custom && added.hours == "08:00-12:00")
                #expect(try await show(pbx, "office", at: "2026-12-31T09:00:00Z").status.open)
                let afternoon = try await show(pbx, "office", at: "2026-12-31T12:30:00Z")
                #expect(!afternoon.status.open && afternoon.status.reason == .custom)

                let year = try await pbx.cli.json([HolidayInfo].self, ["holiday", "list", "--year", "2026"])
                #expect(year.filter { $0.kind == .statutory }.count == 13)
                #expect(year.filter { $0.kind == .restDay }.map(\.date) == ["2026-01-02", "2026-08-21", "2026-12-24"])
                #expect(year.filter { $0.kind == .workday }.map(\.date) == ["2026-01-10", "2026-08-08", "2026-12-12"])
                #expect(year.last?.date == "2026-12-31" && year.last?.editable == true)

                // A 24/7 line ignores all of it.
                _ = try await pbx.cli.json(
                    ScheduleInfo.self,
                    ["schedule", "add", "hotline", "--hours", "mon-sun 00:00-24:00", "--no-holidays"])
                #expect(try await show(pbx, "hotline", at: "2026-12-24T09:00:00Z").status.open)
            }
        }

        @Test("a supervisor's override wins, survives a restart, and clears")
        func override() async throws {
            try await TestPBX.run { pbx in
                _ = try await pbx.cli.json(ScheduleInfo.self, ["schedule", "add", "office", "--hours", ""])
                let closed = try await pbx.cli.json([ScheduleInfo].self, ["schedule", "list"])
                #expect(closed.first?.status.open == false)

                let forced = try await pbx.cli.json(
                    ScheduleInfo.self, ["schedule", "override", "office", "open", "--until", "+2h"])
                #expect(forced.status.open && forced.status.reason == .override)
                #expect(forced.override?.mode == .open)
                let until = try #require(forced.override?.until)
                #expect(abs(until.timeIntervalSinceNow - 7200) < 120)

                try await pbx.restart()
                let afterRestart = try await pbx.cli.json(ScheduleInfo.self, ["schedule", "show", "office"])
                #expect(afterRestart.status.open && afterRestart.override?.mode == .open)

                let cleared = try await pbx.cli.json(ScheduleInfo.self, ["schedule", "override", "office", "clear"])
                #expect(!cleared.status.open && cleared.override == nil)
            }
        }

        @Test("bad input: usage errors exit 2, refused values exit 1 with the reason, nothing is stored")
        func badInput() async throws {
            try await TestPBX.run { pbx in
                let badName = try await pbx.cli.run(["schedule", "add", "Office", "--hours", ""])
                #expect(badName.exitCode == 2)
                #expect(badName.stderr.contains("lowercase"))

                let badHours = try await pbx.cli.run(["schedule", "add", "office", "--hours", "mon 25:00-26:00"])
                #expect(badHours.exitCode == 1)
                #expect(badHours.stderr.contains("not a time range"))

                let badZone = try await pbx.cli.run([
                    "schedule", "add", "office", "--hours", "", "--tz", "Mars/Olympus",
                ])
                #expect(badZone.exitCode == 1)
                #expect(badZone.stderr.contains("unknown time zone"))

                let badDate = try await pbx.cli.run(["holiday", "add", "2026-02-30", "--name", "x"])
                #expect(badDate.exitCode == 1)
                let builtIn = try await pbx.cli.run(["holiday", "remove", "2026-12-25"])
                #expect(builtIn.exitCode == 1)
                #expect(builtIn.stderr.contains("built-in"))
                let missing = try await pbx.cli.run(["schedule", "show", "nope"])
                #expect(missing.exitCode == 1)

                #expect(try await pbx.cli.json([ScheduleInfo].self, ["schedule", "list"]).isEmpty)
                let custom = try await pbx.cli.json([HolidayInfo].self, ["holiday", "list", "--year", "2026"])
                #expect(custom.allSatisfy { !$0.editable })
            }
        }

        @Test("an administrator's swap for a year without a built-in decree")
        func swap() async throws {
            try await TestPBX.run { pbx in
                _ = try await pbx.cli.json(
                    ScheduleInfo.self, ["schedule", "add", "office", "--hours", "mon-fri 08:00-17:00"])
                try await pbx.cli.succeed([
                    "holiday", "swap", "--rest", "2027-12-24", "--work", "2027-12-18", "--note", "test decree",
                ])
                #expect(!(try await show(pbx, "office", at: "2027-12-24T09:00:00Z").status.open))
                let worked = try await show(pbx, "office", at: "2027-12-18T09:00:00Z")
                #expect(worked.status.open && worked.status.reason == .workday)
                try await pbx.cli.succeed(["holiday", "unswap", "2027-12-24"])
                #expect(try await show(pbx, "office", at: "2027-12-24T09:00:00Z").status.open)
            }
        }
    }
}
