import Foundation
import Synchronization
import Testing
import VPBXNetwork
import VPBXPBX
import VPBXSIP
import VPBXStore

/// A trunk whose servers are its domain's SRV records (RFC 3263): calls go to them in the
/// records' order with the domain in the Request-URI, a failing server hands the call to the
/// next, calls from any of them are the trunk's, and a domain without records is reached at
/// its own address.
@Suite("Trunks found by SRV", .timeLimit(.minutes(1)))
struct TrunkSRVTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let primary = Phone("+3612345600", at: "192.0.2.77", port: 5070)
    let secondary = Phone("+3612345600", at: "192.0.2.79")

    private func plan(_ pbx: PBXHarness) -> DialPlan {
        pbx.hosts.set(service: "_sip._udp.carrier.example", to: [("192.0.2.77", 5070), ("192.0.2.79", 5060)])
        var plan = DialPlan()
        plan.trunks = [
            Trunk(
                name: "carrier", host: "carrier.example", username: "office", password: "tr-secret",
                numberFormat: .digits, inbound: .extension(desk.number), srv: true)
        ]
        return plan
    }

    @Test("the first server by SRV gets the call, sent to the domain; its 503 sends the call to the second server")
    func nextServerOnFailure() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(pbx))
            #expect(await pbx.core.trunkServers(of: "carrier") == ["192.0.2.77:5070", "192.0.2.79:5060"])
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: primary.address)
            #expect(first.uri.serialized == "sip:36301234567@carrier.example")
            pbx.send(primary.respond(to: first, status: 503, toTag: "down"), from: primary)
            let second = try await pbx.outbound.request(.invite, to: secondary.address)
            #expect(second.uri.serialized == "sip:36301234567@carrier.example")
            pbx.send(secondary.respond(to: second, status: 486, toTag: "busy"), from: secondary)
            _ = try await pbx.outbound.response(486, .invite, to: alice.address)
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first { $0.disposition != .inProgress }
            }
            #expect(cdr.path == ["trunk:carrier", "trunk:carrier"] && cdr.disposition == .busy, "\(cdr)")
        }
    }

    @Test("two servers of one priority share the calls by weight, each call drawing its own first server")
    func callsSpreadByWeight() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let shared = plan(pbx)
            pbx.hosts.set(
                service: "_sip._udp.carrier.example",
                servers: [
                    ServiceServer(address: primary.address.host, port: primary.address.port, priority: 10, weight: 50),
                    ServiceServer(
                        address: secondary.address.host, port: secondary.address.port, priority: 10, weight: 50),
                ])
            await pbx.core.setDialPlan(shared)
            // 16 calls: all to one server has a chance of 2 in 65,536 when each draws its own.
            var firsts: Set<String> = []
            for index in 0..<16 {
                let number = "0630123\(String(format: "%04d", index))"
                _ = try await pbx.placeCall(from: alice, to: number, sdp: alice.sdp())
                let invite = try await pbx.outbound.next("call \(index)'s first INVITE out") {
                    $0.request?.method == .invite && [primary.address, secondary.address].contains($0.destination)
                        && $0.request?.uri.user == "3630123" + String(format: "%04d", index)
                }
                firsts.insert(invite.destination.host)
            }
            #expect(firsts == [primary.address.host, secondary.address.host], "\(firsts)")
        }
    }

    @Test("a call from the second server is the trunk's: taken unchallenged, to its inbound destination")
    func callsFromAnyServer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await pbx.core.setDialPlan(plan(pbx))
            let caller = Phone("+36301234567", at: secondary.address.host)
            pbx.send(caller.invite("3612345699", sdp: alice.sdp()), from: caller)
            _ = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(!pbx.outbound.sent.contains { $0.isResponse(407, .invite, to: caller.address) })
        }
    }

    @Test("no SRV records: the domain's own address at the trunk's port; not looked up yet: no trunk, both names asked")
    func withoutRecords() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var unresolved = plan(pbx)
            unresolved.trunks[0].host = "other.example"
            unresolved.trunks[0].port = 5080
            await pbx.core.setDialPlan(unresolved)
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            _ = try await pbx.outbound.response(503, .invite, to: alice.address)
            #expect(pbx.hosts.asked.contains("_sip._udp.other.example") && pbx.hosts.asked.contains("other.example"))

            pbx.hosts.set(service: "_sip._udp.other.example", to: [])
            pbx.hosts.set("other.example", to: "192.0.2.80")
            #expect(await pbx.core.trunkServers(of: "carrier") == ["192.0.2.80:5080"])
            _ = try await pbx.placeCall(from: alice, to: "06301234568", sdp: alice.sdp())
            let invite = try await pbx.outbound.request(
                .invite, to: SIPPeerAddress(transport: .udp, host: "192.0.2.80", port: 5080))
            #expect(invite.uri.serialized == "sip:36301234568@other.example:5080")
        }
    }

    @Test("registration: a 503 from the first server sends the REGISTER to the second at once; both failing, it waits")
    func registrationMovesOn() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var registering = plan(pbx)
            registering.trunks[0].register = true
            await pbx.core.setDialPlan(registering)
            let first = try await pbx.outbound.request(.register, to: primary.address)
            #expect(first.uri.serialized == "sip:carrier.example")
            pbx.send(primary.respond(to: first, status: 503, toTag: "r1"), from: primary)
            let second = try await pbx.outbound.request(.register, to: secondary.address, timeout: .seconds(5))
            #expect(second.headers.callID == first.headers.callID && second.uri.serialized == "sip:carrier.example")
            pbx.send(secondary.respond(to: second, status: 200, toTag: "r2"), from: secondary)
            _ = try await eventually("registered at the second server") {
                if case .registered = await pbx.core.trunkRegistrationStates()["carrier"] { return true }
                return nil
            }
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            var registering = plan(pbx)
            registering.trunks[0].register = true
            await pbx.core.setDialPlan(registering)
            let first = try await pbx.outbound.request(.register, to: primary.address)
            pbx.send(primary.respond(to: first, status: 500, toTag: "r1"), from: primary)
            let second = try await pbx.outbound.request(.register, to: secondary.address, timeout: .seconds(5))
            pbx.send(secondary.respond(to: second, status: 503, toTag: "r2"), from: secondary)
            let failed = try await eventually("the registration failed at both") {
                if case .failed(let reason, _) = await pbx.core.trunkRegistrationStates()["carrier"] { return reason }
                return nil
            }
            #expect(failed.hasPrefix("503"), "\(failed)")
            #expect(pbx.outbound.sent.filter { $0.isRequest(.register, to: primary.address) }.count == 1)
        }
    }

    @Test(
        "checks ask every server: the first silent, the second answering; the trunk is reachable and calls go to the second first"
    )
    func checksOfEachServer() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(
            Cast.everyone, configuration: ContactQualifyTests.quickChecks,
            events: { event in events.withLock { $0.append(event) } }
        ) { pbx in
            var checked = plan(pbx)
            checked.trunks[0].qualifySeconds = 30
            await pbx.core.setDialPlan(checked)
            _ = try await pbx.outbound.request(.options, to: primary.address)
            let options = try await pbx.outbound.request(.options, to: secondary.address)
            pbx.send(secondary.respond(to: options, status: 200, toTag: "up"), from: secondary)
            // The first server's check times out (300 ms here); the trunk stays reachable.
            try await eventually("the silent server last") {
                await pbx.core.trunkServers(of: "carrier") == ["192.0.2.79:5060", "192.0.2.77:5070"] ? true : nil
            }
            guard case .reachable = await pbx.core.trunkReachability(of: "carrier") else {
                Issue.record(
                    "one server answering keeps the trunk reachable: \(String(describing: await pbx.core.trunkReachability(of: "carrier")))"
                )
                return
            }
            let told = events.withLock { $0 }.compactMap { event -> Bool? in
                if case .trunkReachability("carrier", let reachable, _) = event { return reachable }
                return nil
            }
            // One event per change of the trunk's state, whatever its servers did: `true` once
            // the second answers; on a machine so slow that both checks timed out before that
            // answer, `false` first (reported per server, the first's timeout after the
            // second's answer would add a `false` after the `true`).
            #expect(told == [true] || told == [false, true], "\(told)")

            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: secondary.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: primary.address) } == 0)
            pbx.send(secondary.respond(to: first, status: 503, toTag: "down"), from: secondary)
            _ = try await pbx.outbound.request(.invite, to: primary.address)
        }
    }
}
