import Foundation
import Synchronization
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Checks of trunks (`qualifySeconds`): OPTIONS to the provider's server; a trunk whose
/// check goes unanswered is tried after the others, so a dead provider costs calls nothing.
@Suite("Trunks: checks", .timeLimit(.minutes(1)))
struct TrunkCheckTests {
    let alice = Cast.alice
    let carrier = Phone("+3612345600", at: "192.0.2.77")
    let backup = Phone("+3612345699", at: "192.0.2.78")

    /// `carrier` first (checked every `seconds`), `backup` second (not checked).
    private func plan(checkingCarrierEvery seconds: Int) -> DialPlan {
        var plan = DialPlan()
        plan.trunks = [
            Trunk(name: "carrier", host: carrier.address.host, numberFormat: .national, priority: 1, qualifySeconds: seconds),
            Trunk(name: "backup", host: backup.address.host, numberFormat: .national, priority: 2),
        ]
        return plan
    }

    @Test("an unanswered check makes the first trunk unreachable: a call goes to the next one first, and to it only after that one failed")
    func unreachableTrunkIsTriedLast() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(
            Cast.everyone, configuration: ContactQualifyTests.quickChecks, events: { event in events.withLock { $0.append(event) } }
        ) { pbx in
            await pbx.core.setDialPlan(plan(checkingCarrierEvery: 30))
            #expect(await pbx.core.trunkReachability(of: "carrier") == .unknown)
            #expect(await pbx.core.trunkReachability(of: "backup") == nil, "no checks asked for")
            let options = try await pbx.outbound.request(.options, to: carrier.address)
            #expect(options.uri.host == carrier.address.host && options.uri.user == nil)
            // Not answered: unreachable after the check's timeout (300 ms here).
            let unreachable = try await eventually("the carrier unreachable") {
                if case .unreachable = await pbx.core.trunkReachability(of: "carrier") { return true }
                return nil
            }
            #expect(unreachable)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.options, to: backup.address) } == 0)
            // Consoles and webhooks hear of it.
            let told = events.withLock { $0 }.contains {
                if case .trunkReachability("carrier", false, nil) = $0 { return true }
                return false
            }
            #expect(told, "no trunk.reachability event")

            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: carrier.address) } == 0)
            pbx.send(backup.respond(to: first, status: 503, toTag: "down"), from: backup)
            let last = try await pbx.outbound.request(.invite, to: carrier.address)
            #expect(last.uri.user == "06301234567")
            pbx.send(carrier.respond(to: last, status: 486, toTag: "busy"), from: carrier)
            _ = try await pbx.outbound.response(486, .invite, to: alice.address)
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first { $0.disposition != .inProgress }
            }
            #expect(cdr.path == ["trunk:backup", "trunk:carrier"], "\(cdr)")
        }
    }

    @Test("an answered check makes the trunk reachable, with its round trip; calls use it first as before")
    func answeredCheckKeepsTheOrder() async throws {
        // The default check timeout (3 s): a busy machine's late answer would have no round trip.
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(checkingCarrierEvery: 30))
            let options = try await pbx.outbound.request(.options, to: carrier.address)
            pbx.send(carrier.respond(to: options, status: 200, toTag: "up"), from: carrier)
            let roundTrip: Int?? = try await eventually("the carrier reachable") {
                if case .reachable(let milliseconds) = await pbx.core.trunkReachability(of: "carrier") {
                    return .some(milliseconds)
                }
                return nil
            }
            #expect(roundTrip != nil && roundTrip! != nil, "answered within the check's time: a round trip")
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: carrier.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: backup.address) } == 0)

            // Another change of the dial plan leaves the checks alone (no OPTIONS a second
            // later, the state kept); a new interval restarts them.
            var withRoute = plan(checkingCarrierEvery: 30)
            withRoute.routes["+3612345601"] = .extension(alice.number)
            let sentBefore = pbx.outbound.distinctCount { $0.isRequest(.options, to: carrier.address) }
            await pbx.core.setDialPlan(withRoute)
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(pbx.outbound.distinctCount { $0.isRequest(.options, to: carrier.address) } == sentBefore, "checks restarted")
            if case .reachable = await pbx.core.trunkReachability(of: "carrier") {} else {
                Issue.record("the state was lost: \(String(describing: await pbx.core.trunkReachability(of: "carrier")))")
            }
            await pbx.core.setDialPlan(plan(checkingCarrierEvery: 60))
            let again = try await pbx.outbound.request(.options, to: carrier.address)
            pbx.send(carrier.respond(to: again, status: 200, toTag: "up"), from: carrier)

            // Checks switched off: nothing known, nothing sent any more.
            await pbx.core.setDialPlan(plan(checkingCarrierEvery: 0))
            #expect(await pbx.core.trunkReachability(of: "carrier") == nil)
        }
    }
}
