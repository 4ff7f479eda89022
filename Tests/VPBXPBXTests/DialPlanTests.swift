import Foundation
import Testing
import VPBXSchedule

@testable import VPBXPBX

@Suite("Dial plan resolution")
struct DialPlanTests {
    private static let zone = TimeZone(identifier: "Europe/Budapest")!

    private func condition(_ name: String, hours: String, open: Destination, closed: Destination) throws
        -> TimeCondition
    {
        TimeCondition(
            name: name, scheduleName: "s-\(name)",
            hours: OpeningHours(weekly: try WeeklySchedule(parsing: hours), timeZone: Self.zone), override: nil,
            whenOpen: open, whenClosed: closed)
    }

    /// 2026-11-30 (a Monday) at `hour`:00 in Budapest (UTC+1 in winter).
    private func monday(_ hour: Int) -> Date { Date(timeIntervalSince1970: 1_795_996_800 + Double(hour - 1) * 3600) }

    @Test("destinations parse and print the same way, and bad ones say what to write")
    func destinations() throws {
        for text in ["ext:1001", "time:office-hours", "hangup", "vm:1002", "queue:sales", "queue:Support.2nd-line"] {
            #expect(try Destination(parsing: text).description == text)
        }
        for bad in ["ext:", "ext:10a", "time:Office", "voicemail:1001", "", "hangup:now", "vm:", "vm:12a", "queue:", "queue:a b"] {
            #expect(throws: DestinationError.self) { try Destination(parsing: bad) }
        }
        #expect("\(DestinationError("x"))".contains("ext:NUMBER"))
    }

    @Test("queue and voicemail destinations are answered by their applications")
    func queueAndVoicemailDestinations() {
        var plan = DialPlan()
        plan.routes["300"] = .queue("sales")
        plan.routes["400"] = .voicemail("1002")
        #expect(plan.resolve("300", at: monday(10)) == Routing(target: .application(.queue("sales")), path: ["route:300", "queue:sales"]))
        #expect(
            plan.resolve("400", at: monday(10))
                == Routing(target: .application(.voicemail(mailbox: "1002", busy: false)), path: ["route:400", "vm:1002"]))
        #expect(Application(user: Application.queue("Support.2nd-line").user) == .queue("Support.2nd-line"))
    }

    @Test("a number without a route is an extension; routes follow nested time conditions")
    func nested() throws {
        #expect(monday(0) == Date(timeIntervalSince1970: 1_795_996_800 - 3600))  // local midnight is 23:00 UTC
        var plan = DialPlan()
        plan.routes["100"] = .timeCondition("day")
        plan.timeConditions["day"] = try condition(
            "day", hours: "mon-fri 08:00-17:00", open: .extension("1001"), closed: .timeCondition("evening"))
        plan.timeConditions["evening"] = try condition(
            "evening", hours: "mon-fri 17:00-22:00", open: .extension("1002"), closed: .hangup)

        #expect(plan.resolve("1005", at: monday(10)) == Routing(target: .extension("1005"), path: []))
        #expect(plan.resolve("100", at: monday(10)).path == ["route:100", "time:day=open", "ext:1001"])
        #expect(plan.resolve("100", at: monday(18)).target == .extension("1002"))
        #expect(
            plan.resolve("100", at: monday(18)).path == [
                "route:100", "time:day=closed", "time:evening=open", "ext:1002",
            ])
        let night = plan.resolve("100", at: monday(23))
        #expect(night.target == .hangup)
        #expect(night.path == ["route:100", "time:day=closed", "time:evening=closed", "hangup"])
    }

    @Test("an override decides; a loop or a missing condition is unroutable, never a hang")
    func overridesAndMistakes() throws {
        var plan = DialPlan()
        plan.routes["100"] = .timeCondition("day")
        let base = try condition("day", hours: "", open: .extension("1001"), closed: .hangup)
        plan.timeConditions["day"] = TimeCondition(
            name: "day", scheduleName: "s", hours: base.hours, override: ScheduleOverride(mode: .open),
            whenOpen: .extension("1001"),
            whenClosed: .hangup)
        #expect(plan.resolve("100", at: monday(3)).target == .extension("1001"))

        plan.timeConditions["day"] = try condition("day", hours: "", open: .hangup, closed: .timeCondition("day"))
        guard case .unroutable(let why) = plan.resolve("100", at: monday(3)).target else {
            Issue.record("a loop must be unroutable")
            return
        }
        #expect(why.contains("loop"))
        plan.routes["101"] = .timeCondition("gone")
        #expect(plan.resolve("101", at: monday(3)).path == ["route:101", "time:gone=missing"])
    }
}
