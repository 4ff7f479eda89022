import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Outbound routes against the real engine and a sipp provider: `vpbx outroute` sends a
    /// number's calls through the trunk the administrator chose, not the trunk of the lowest
    /// priority, and explains the choice before anyone dials.
    @Suite("Outbound routes")
    struct OutboundRouteCallTests {
        /// Extension 1001, trunk `dead` of priority 1 at an address where nobody listens (a call
        /// sent to it would wait for its INVITE's 32 s timeout) and the sipp provider of priority 2.
        static func deadTrunkThenProvider(_ pbx: TestPBX, providerEar: RTPCapture) async throws -> SippProcess {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            let silent = try FreePorts.sipPort()
            try await pbx.cli.succeed(["trunk", "add", "dead", "--host", "127.0.0.3:\(silent)", "--priority", "1"])
            return try await TrunkCallTests.provider(pbx, ear: providerEar, extraTrunkOptions: ["--priority", "2"])
        }

        @Test("mobiles of 1001 through the provider's trunk, though a dead trunk has the lowest priority; outroute test and its errors")
        func routeChoosesTheTrunk() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let provider = try await Self.deadTrunkThenProvider(pbx, providerEar: providerEar)

                let noTrunk = try await pbx.cli.run(["outroute", "add", "mobiles", "--prefix", "06 30", "--trunk", "nosuch"])
                #expect(noTrunk.exitCode == 1 && noTrunk.stderr.contains("no trunk nosuch"), "\(noTrunk.summary)")
                let badPrefix = try await pbx.cli.run(["outroute", "add", "mobiles", "--prefix", "3630", "--trunk", "provider"])
                #expect(badPrefix.exitCode != 0 && badPrefix.stderr.contains("06 30"), "\(badPrefix.summary)")
                let route = try await pbx.cli.json(
                    OutboundRouteInfo.self,
                    ["outroute", "add", "mobiles", "--prefix", "06 20,06 30", "--prefix", "06 70", "--trunk", "provider",
                     "--caller", Fixture.caller])
                #expect(route.prefixes == ["+3620", "+3630", "+3670"] && route.callers == [Fixture.caller], "\(route)")

                let routed = try await pbx.cli.json(
                    OutboundRouteTestResult.self, ["outroute", "test", "06 30 123 4567", "--caller", Fixture.caller])
                #expect(routed.route == "mobiles" && routed.trunks == ["provider"] && routed.reach == "national", "\(routed)")
                let otherCaller = try await pbx.cli.json(OutboundRouteTestResult.self, ["outroute", "test", "06301234567"])
                #expect(otherCaller.route == nil && otherCaller.trunks == ["dead", "provider"], "\(otherCaller)")
                let shown = try await pbx.cli.run(["outroute", "show", "mobiles"], json: false)
                #expect(shown.stdout.contains("+3620 +3630 +3670") && shown.stdout.contains(Fixture.caller), "\(shown.stdout)")
                let inUse = try await pbx.cli.run(["trunk", "remove", "provider"])
                #expect(inUse.exitCode == 1 && inUse.stderr.contains("outbound route mobiles"), "\(inUse.summary)")

                let (_, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }.count == 2)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")

                try await pbx.cli.succeed(["outroute", "remove", "mobiles"])
                #expect(try await pbx.cli.json([OutboundRouteInfo].self, ["outroute", "list"]).isEmpty)
            }
        }

        @Test("after hours (the schedule forced closed) the night route carries the call with its prepend and number; the schedule cannot go")
        func nightRoute() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let provider = try await Self.deadTrunkThenProvider(pbx, providerEar: providerEar)
                try await pbx.cli.succeed(["schedule", "add", "office", "--hours", "mon-fri 08:00-17:00"])
                try await pbx.cli.succeed(["schedule", "override", "office", "open"])
                try await pbx.cli.succeed(["outroute", "add", "day", "--prefix", "+", "--trunk", "dead"])

                let noSchedule = try await pbx.cli.run(
                    ["outroute", "add", "night", "--prefix", "+", "--trunk", "provider", "--closed", "nosuch"])
                #expect(noSchedule.exitCode == 1 && noSchedule.stderr.contains("nosuch"), "\(noSchedule.summary)")
                let badPrepend = try await pbx.cli.run(
                    ["outroute", "add", "night", "--prefix", "+", "--trunk", "provider", "--prepend", "10a"])
                #expect(badPrepend.exitCode != 0 && badPrepend.stderr.contains("--prepend"), "\(badPrepend.summary)")
                let night = try await pbx.cli.json(
                    OutboundRouteInfo.self,
                    ["outroute", "add", "night", "--prefix", "+", "--trunk", "provider", "--closed", "office",
                     "--caller-id", "06 1 234 5699", "--prepend", "1088"])
                #expect(night.schedule == "office" && night.scheduleState == "closed", "\(night)")
                #expect(night.callerID == "+3612345699" && night.prepend == "1088", "\(night)")

                let daytime = try await pbx.cli.json(OutboundRouteTestResult.self, ["outroute", "test", "06301234567"])
                #expect(daytime.route == "day" && daytime.trunks == ["dead"], "\(daytime)")
                try await pbx.cli.succeed(["schedule", "override", "office", "closed"])
                let afterHours = try await pbx.cli.json(OutboundRouteTestResult.self, ["outroute", "test", "06301234567"])
                #expect(afterHours.route == "night", "\(afterHours)")
                #expect(
                    afterHours.attempts == [OutboundAttempt(trunk: "provider", dialled: "1088+36301234567", shown: "+3612345699")],
                    "\(afterHours)")
                let inUse = try await pbx.cli.run(["schedule", "remove", "office"])
                #expect(inUse.exitCode == 1 && inUse.stderr.contains("outbound route night"), "\(inUse.summary)")

                let (_, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                let answered = try #require(providerResult.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(answered.hasPrefix("INVITE sip:1088+36301234567@\(TrunkCallTests.providerAddress):"), "\(answered)")
                #expect(answered.contains("<sip:+3612345699@\(TrunkCallTests.providerAddress)>;tag="), "\(answered)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")

                let anyTime = try await pbx.cli.json(OutboundRouteInfo.self, ["outroute", "set", "night", "--any-time"])
                #expect(anyTime.schedule == nil && anyTime.scheduleState == nil && anyTime.prepend == "1088", "\(anyTime)")
                try await pbx.cli.succeed(["schedule", "remove", "office"])
            }
        }
    }
}
