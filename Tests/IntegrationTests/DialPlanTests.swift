import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Routes and time conditions with real calls: sipp dials a service number, the engine
    /// follows the dial plan.
    @Suite("Dial plan")
    struct DialPlanTests {
        @Test("a time condition rings an extension while open and refuses calls while closed; the CDR keeps the path")
        func timeCondition() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                // Always closed by its hours; a supervisor's override opens it.
                try await pbx.cli.succeed(["schedule", "add", "office", "--hours", ""])
                try await pbx.cli.succeed(["schedule", "override", "office", "open"])
                let condition = try await pbx.cli.json(
                    TimeConditionInfo.self,
                    ["timecond", "add", "daytime", "--schedule", "office", "--open", "ext:1002", "--closed", "hangup"])
                #expect(condition.status.open)
                try await pbx.cli.succeed(["route", "add", "100", "--to", "time:daytime"])

                let caller = try pbx.phone(.callHangup).service("100").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let answered = try await pbx.cdr(from: Fixture.caller, to: "100")
                #expect(answered.disposition == .answered)
                #expect(answered.callee == "100")
                #expect(answered.path == ["route:100", "time:daytime=open", "ext:1002"])

                // Clearing the override closes the line: the caller gets 480.
                try await pbx.cli.succeed(["schedule", "override", "office", "clear"])
                let refused = try pbx.phone(.callExpectUnavailable).service("100").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(refused, name: "closed-caller").requireSuccess()
                let closed = try await eventually("a second CDR for 100") {
                    try await pbx.cdrs().first { $0.callee == "100" && $0.id != answered.id }
                }
                #expect(closed.disposition == .failed)
                #expect(closed.path == ["route:100", "time:daytime=closed", "hangup"])
            }
        }

        @Test("configuration mistakes are refused: unknown targets, a route on an extension, deleting what is in use")
        func refusals() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed(["schedule", "add", "office", "--hours", "mon-fri 08:00-17:00"])

                let missingExtension = try await pbx.cli.run(
                    ["timecond", "add", "daytime", "--schedule", "office", "--open", "ext:1999", "--closed", "hangup"])
                #expect(missingExtension.exitCode == 1)
                #expect(missingExtension.stderr.contains("1999"))
                let badDestination = try await pbx.cli.run(
                    ["timecond", "add", "daytime", "--schedule", "office", "--open", "voicemail", "--closed", "hangup"])
                #expect(badDestination.exitCode == 1)
                #expect(badDestination.stderr.contains("not a destination"))
                let missingSchedule = try await pbx.cli.run(
                    ["timecond", "add", "daytime", "--schedule", "nope", "--open", "hangup", "--closed", "hangup"])
                #expect(missingSchedule.exitCode == 1)

                try await pbx.cli.succeed(
                    ["timecond", "add", "daytime", "--schedule", "office", "--open", "ext:1001", "--closed", "hangup"])
                let onExtension = try await pbx.cli.run(["route", "add", "1001", "--to", "hangup"])
                #expect(onExtension.exitCode == 1)
                #expect(onExtension.stderr.contains("is an extension"))
                try await pbx.cli.succeed(["route", "add", "100", "--to", "time:daytime"])

                let scheduleInUse = try await pbx.cli.run(["schedule", "remove", "office"])
                #expect(scheduleInUse.exitCode == 1)
                #expect(scheduleInUse.stderr.contains("used by time condition daytime"))
                let conditionInUse = try await pbx.cli.run(["timecond", "remove", "daytime"])
                #expect(conditionInUse.exitCode == 1)
                #expect(conditionInUse.stderr.contains("route 100"))

                try await pbx.cli.succeed(["route", "remove", "100"])
                try await pbx.cli.succeed(["timecond", "remove", "daytime"])
                try await pbx.cli.succeed(["schedule", "remove", "office"])
                #expect(try await pbx.cli.json([RouteInfo].self, ["route", "list"]).isEmpty)
            }
        }
    }
}
