import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Outbound routes against the real engine and a sipp provider: `vpbx outroute` sends a
    /// number's calls through the trunk the administrator chose, not the trunk of the lowest
    /// priority, and explains the choice before anyone dials.
    @Suite("Outbound routes")
    struct OutboundRouteCallTests {
        @Test("mobiles of 1001 through the provider's trunk, though a dead trunk has the lowest priority; outroute test and its errors")
        func routeChoosesTheTrunk() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                // Nobody listens there: a call sent to it would wait for its INVITE's 32 s timeout.
                let silent = try FreePorts.sipPort()
                try await pbx.cli.succeed(["trunk", "add", "dead", "--host", "127.0.0.3:\(silent)", "--priority", "1"])
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar, extraTrunkOptions: ["--priority", "2"])

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
    }
}
