import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXSchedule
import VPBXStore
import VPBXText

/// Outbound routes (least-cost routing): which trunks carry a call out, by the number's
/// prefix and the calling extension, tried in the route's order.
@Suite("Outbound routes", .timeLimit(.minutes(1)))
struct OutboundRouteTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    /// Three providers: the office's main one (priority 1), a mobile gateway and a backup.
    let carrier = Phone("+3612345600", at: "192.0.2.77")
    let mobileGateway = Phone("+3612345600", at: "192.0.2.79")
    let backup = Phone("+3612345600", at: "192.0.2.78")

    private func plan(_ routes: [OutboundRoute]) -> DialPlan {
        var plan = DialPlan()
        plan.trunks = [
            Trunk(name: "carrier", host: carrier.address.host, numberFormat: .digits, priority: 1),
            Trunk(name: "mobilgw", host: mobileGateway.address.host, numberFormat: .national, priority: 2),
            Trunk(name: "backup", host: backup.address.host, numberFormat: .e164, priority: 3),
        ]
        plan.outboundRoutes = routes
        return plan
    }

    /// Where `caller`'s call to `number` is sent first (which provider), and the INVITE.
    private func firstTrunk(of caller: Phone, calling number: String, in pbx: PBXHarness) async throws
        -> (address: SIPPeerAddress, invite: SIPRequest)
    {
        let sentBefore = pbx.outbound.sent.count
        let providers = [carrier, mobileGateway, backup].map(\.address)
        // Earlier calls' INVITEs are retransmitted meanwhile: this call's ends in its number's
        // digits after the country code (Hungary's) or the plus, whatever its trunk's format.
        let e164 = try #require(PublicNumber(dialled: number)).e164
        let significant = String(e164.hasPrefix("+36") ? e164.dropFirst(3) : e164.dropFirst())
        _ = try await pbx.placeCall(from: caller, to: number, sdp: caller.sdp())
        return try await eventually("the call's INVITE out") {
            pbx.outbound.sent.dropFirst(sentBefore).first {
                $0.request?.method == .invite && providers.contains($0.destination)
                    && $0.request?.uri.user?.hasSuffix(significant) == true
            }.flatMap { sent in sent.request.map { (sent.destination, $0) } }
        }
    }

    private func allowAbroad(_ phone: Phone, in pbx: PBXHarness) async throws {
        let updated = try await pbx.extensions.update(phone.number, with: ExtensionPatch(outboundClass: .international))
        await pbx.core.extensionChanged(updated)
    }

    @Test(
        "the route whose prefix matches the most of the number chooses the trunk; a number no route matches goes by priority"
    )
    func longestPrefixChoosesTheTrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(
                plan([
                    // First by name, but shorter: it takes only what the mobiles route does not.
                    OutboundRoute(name: "a-hungary", prefixes: ["+36"], trunks: ["backup"]),
                    OutboundRoute(name: "mobiles", prefixes: ["+3620", "+3630", "+3670"], trunks: ["mobilgw"]),
                ]))
            try await allowAbroad(alice, in: pbx)
            let mobile = try await firstTrunk(of: alice, calling: "06 30 123 4567", in: pbx)
            #expect(mobile.address == mobileGateway.address)
            #expect(mobile.invite.uri.user == "06301234567", "in the mobile gateway's own number format (national)")
            #expect(try await firstTrunk(of: alice, calling: "06 1 234 5678", in: pbx).address == backup.address)
            #expect(try await firstTrunk(of: alice, calling: "0049301234567", in: pbx).address == carrier.address)
        }
    }

    @Test(
        "a route naming the caller wins over routes for everyone, even with a shorter prefix; others' calls do not take it"
    )
    func routeForNamedCallers() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(
                plan([
                    OutboundRoute(
                        name: "desk", prefixes: ["+"], trunks: ["backup"], callers: [try #require(.init("100-100"))]),
                    OutboundRoute(name: "mobiles", prefixes: ["+3630"], trunks: ["mobilgw"]),
                ]))
            #expect(try await firstTrunk(of: alice, calling: "06 30 123 4567", in: pbx).address == backup.address)
            #expect(try await firstTrunk(of: desk, calling: "06 30 765 4321", in: pbx).address == mobileGateway.address)
            #expect(try await firstTrunk(of: desk, calling: "06 1 234 5678", in: pbx).address == carrier.address)
        }
    }

    @Test("a failing trunk hands the number to the route's next trunk, never to one the route does not name")
    func failoverStaysInTheRoute() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(
                plan([OutboundRoute(name: "mobiles", prefixes: ["+3630"], trunks: ["mobilgw", "backup"])]))
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: mobileGateway.address)
            pbx.send(mobileGateway.respond(to: first, status: 503, toTag: "down"), from: mobileGateway)
            let second = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(second.uri.user == "+36301234567")
            pbx.send(backup.respond(to: second, status: 503, toTag: "down2"), from: backup)
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first { $0.disposition != .inProgress }
            }
            #expect(cdr.path == ["trunk:mobilgw", "trunk:backup"], "\(cdr)")
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: carrier.address) })
        }
    }

    @Test("a route whose trunks cannot carry calls out refuses the call (503), though other trunks could")
    func routeWithoutUsableTrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var closed = plan([OutboundRoute(name: "abroad", prefixes: ["+49"], trunks: ["backup"])])
            closed.trunks[2].outbound = false
            await pbx.core.setDialPlan(closed)
            try await allowAbroad(alice, in: pbx)
            let choice = await pbx.core.outboundChoice(
                for: try #require(PublicNumber(dialled: "0049301234567")), caller: "100")
            #expect(choice.route == "abroad" && choice.trunks.isEmpty)
            _ = try await pbx.placeCall(from: alice, to: "0049301234567", sdp: alice.sdp())
            let refused = try await pbx.outbound.response(503, .invite, to: alice.address)
            #expect(refused.reason == "No Trunk Available")
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: carrier.address) })
        }
    }

    @Test("a mobile extension's own mobile, and a click-to-call, go out through the extension's route")
    func callsOnBehalfOfAnExtensionTakeItsRoute() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let deskRange = try #require(OutboundRoute.CallerRange("101"))
            let aliceRange = try #require(OutboundRoute.CallerRange("100"))
            await pbx.core.setDialPlan(
                plan([
                    OutboundRoute(name: "desk", prefixes: ["+36"], trunks: ["mobilgw"], callers: [deskRange]),
                    OutboundRoute(name: "alice", prefixes: ["+36"], trunks: ["backup"], callers: [aliceRange]),
                ]))
            try await pbx.register(desk)
            let updated = try await pbx.extensions.update(
                desk.number, with: ExtensionPatch(kind: .mobile, mobileNumber: .set("+36309998877")))
            await pbx.core.extensionChanged(updated)
            _ = try await pbx.placeCall(from: Cast.bobSoft, to: desk.number, sdp: Cast.bobSoft.sdp())
            let mobile = try await pbx.outbound.request(.invite, to: mobileGateway.address)
            #expect(mobile.uri.user == "06309998877")

            try await pbx.register(alice)
            _ = try await pbx.core.originate(from: alice.number, to: "06 30 123 4567")
            let invite = try await pbx.outbound.request(.invite, to: alice.address)
            pbx.send(alice.respond(to: invite, status: 200, toTag: "alice", sdp: alice.sdp(port: 4000)), from: alice)
            let out = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(out.uri.user == "+36301234567")
        }
    }

    /// Office hours in Budapest, weekdays 8 to 17; `mode` forces them open or closed.
    private func office(_ mode: ScheduleOverride.Mode? = nil, whileOpen: Bool) throws -> OutboundRoute.Condition {
        OutboundRoute.Condition(
            hours: try OpeningHours(
                weekly: try WeeklySchedule(parsing: "mon-fri 08:00-17:00"), timeZoneNamed: "Europe/Budapest"),
            override: mode.map { ScheduleOverride(mode: $0) }, whileOpen: whileOpen)
    }

    @Test("a route following a schedule holds only in the state it names, and then beats a route that always holds")
    func scheduledRoutes() throws {
        var dialPlan = plan([
            OutboundRoute(name: "day", prefixes: ["+"], trunks: ["carrier"]),
            OutboundRoute(name: "night", prefixes: ["+"], trunks: ["backup"], schedule: try office(whileOpen: false)),
            OutboundRoute(name: "mobiles", prefixes: ["+3630"], trunks: ["mobilgw"]),
        ])
        // 2026-11-30 is a Monday; Budapest is UTC+1 in winter.
        let mondayNoon = Date(timeIntervalSince1970: 1_796_036_400)
        let mondayNight = mondayNoon.addingTimeInterval(10 * 3600)
        let saturdayNoon = mondayNoon.addingTimeInterval(5 * 86400)
        #expect(dialPlan.outboundRoute(for: "+3612345678", caller: "100", at: mondayNoon)?.name == "day")
        #expect(dialPlan.outboundRoute(for: "+3612345678", caller: "100", at: mondayNight)?.name == "night")
        #expect(dialPlan.outboundRoute(for: "+3612345678", caller: "100", at: saturdayNoon)?.name == "night")
        // A longer prefix still wins: the night route is no more particular than mobiles.
        #expect(dialPlan.outboundRoute(for: "+36301234567", caller: "100", at: mondayNight)?.name == "mobiles")
        // The schedule's override (a snow day: closed) counts, as it does for time conditions.
        dialPlan.outboundRoutes[1].schedule = try office(.closed, whileOpen: false)
        #expect(dialPlan.outboundRoute(for: "+3612345678", caller: "100", at: mondayNoon)?.name == "night")
        dialPlan.outboundRoutes[1].schedule = try office(.open, whileOpen: false)
        #expect(dialPlan.outboundRoute(for: "+3612345678", caller: "100", at: mondayNight)?.name == "day")
        // A route while open, alone: outside the hours no route holds (every trunk by priority).
        let daytimeOnly = plan([
            OutboundRoute(name: "day", prefixes: ["+"], trunks: ["backup"], schedule: try office(whileOpen: true))
        ])
        #expect(daytimeOnly.outboundRoute(for: "+3612345678", caller: nil, at: mondayNoon)?.name == "day")
        #expect(daytimeOnly.outboundRoute(for: "+3612345678", caller: nil, at: mondayNight) == nil)
    }

    @Test(
        "a call out through a route shows the route's number and sends its prepend, in each trunk's format, after a failover too"
    )
    func routeCallerIDAndPrepend() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(
                plan([
                    OutboundRoute(
                        name: "mobiles", prefixes: ["+3630"], trunks: ["mobilgw", "backup"], callerID: "+3612345699",
                        prepend: "1088")
                ]))
            let (_, first) = try await firstTrunk(of: desk, calling: "06 30 123 4567", in: pbx)
            #expect(first.uri.user == "108806301234567", "the prepend, then the mobile gateway's national format")
            #expect(try first.headers.from().uri.user == "+3612345699", "the route's number, not the trunk's")
            pbx.send(mobileGateway.respond(to: first, status: 503, toTag: "down"), from: mobileGateway)
            let second = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(second.uri.user == "1088+36301234567", "the backup's E.164 after the same prepend")
            #expect(try second.headers.from().uri.user == "+3612345699")
            let choice = await pbx.core.outboundChoice(
                for: try #require(PublicNumber(dialled: "06 30 765 4321")), caller: desk.number)
            #expect(choice.route == "mobiles")
            #expect(choice.trunks.map(\.dialled) == ["108806307654321", "1088+36307654321"])
            #expect(choice.trunks.map(\.shown) == ["+3612345699", "+3612345699"])

            // An extension's own DID still wins over the route's number.
            let own = try await pbx.extensions.update(alice.number, with: ExtensionPatch(callerID: .set("+3612345601")))
            await pbx.core.extensionChanged(own)
            let (_, fromAlice) = try await firstTrunk(of: alice, calling: "06 30 222 3333", in: pbx)
            #expect(try fromAlice.headers.from().uri.user == "+3612345601")
        }
    }

    @Test(
        "a route that overrides extensions' numbers shows its own even for an extension with a DID; outroute test says so"
    )
    func routeOverridesExtensionCallerID() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(
                plan([
                    OutboundRoute(
                        name: "callcenter", prefixes: ["+"], trunks: ["carrier"], callerID: "+3612345699",
                        overridesExtensionCallerID: true)
                ]))
            let own = try await pbx.extensions.update(alice.number, with: ExtensionPatch(callerID: .set("+3612345601")))
            await pbx.core.extensionChanged(own)
            let (_, fromAlice) = try await firstTrunk(of: alice, calling: "06 30 222 3333", in: pbx)
            #expect(try fromAlice.headers.from().uri.user == "+3612345699", "the route's number, not alice's DID")
            let choice = await pbx.core.outboundChoice(
                for: try #require(PublicNumber(dialled: "06 30 765 4321")), caller: alice.number)
            #expect(choice.trunks.map(\.shown) == ["+3612345699"])
        }
    }

    @Test("a schedule forced closed sends calls through the after-hours route at once")
    func overrideSwitchesTheRoute() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var dialPlan = plan([
                OutboundRoute(name: "day", prefixes: ["+36"], trunks: ["carrier"]),
                OutboundRoute(
                    name: "night", prefixes: ["+36"], trunks: ["backup"], schedule: try office(.open, whileOpen: false)),
            ])
            await pbx.core.setDialPlan(dialPlan)
            #expect(try await firstTrunk(of: alice, calling: "06 1 234 5678", in: pbx).address == carrier.address)
            dialPlan.outboundRoutes[1].schedule = try office(.closed, whileOpen: false)
            await pbx.core.setDialPlan(dialPlan)
            #expect(try await firstTrunk(of: alice, calling: "06 1 876 5432", in: pbx).address == backup.address)
        }
    }

    @Test("caller ranges hold extension numbers of their own length only")
    func callerRanges() throws {
        let agents = try #require(OutboundRoute.CallerRange("2000-2099"))
        #expect(agents.contains("2000") && agents.contains("2042") && agents.contains("2099"))
        #expect(
            !agents.contains("1999") && !agents.contains("2100") && !agents.contains("20000") && !agents.contains("210")
        )
        for bad in ["2099-2000", "200-2099", "20a0", "", "1-2-3", "-2000"] {
            #expect(OutboundRoute.CallerRange(bad) == nil, "\(bad)")
        }
    }
}
