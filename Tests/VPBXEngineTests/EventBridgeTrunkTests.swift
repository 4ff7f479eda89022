import Foundation
import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// A trunk's registration reaches control clients as `trunk.registration` on the `trunk`
/// topic: registered with its expiry, failed with why.
@Suite struct EventBridgeTrunkTests {
    @Test func aRegistrationCarriesItsExpiry() throws {
        let until = Date(timeIntervalSince1970: 1_800_000_000)
        let event = EventBridge.encode(.trunkRegistration(trunk: "telekom", state: .registered(until: until)))
        #expect(event.topic == EventTopic.trunk && event.type == "trunk.registration")
        #expect(
            try event.decodedData() == .object([
                "trunk": .string("telekom"), "state": .string("registered"), "until": .string("2027-01-15T08:00:00.000Z"),
            ]))
    }

    @Test func aCheckedTrunkTellsWhetherItsServerAnswers() throws {
        let up = EventBridge.encode(.trunkReachability(trunk: "telekom", reachable: true, roundTripMilliseconds: 12))
        #expect(up.topic == EventTopic.trunk && up.type == "trunk.reachability")
        #expect(try up.decodedData() == .object(["trunk": .string("telekom"), "status": .string("reachable"), "rttMs": .int(12)]))
        let down = EventBridge.encode(.trunkReachability(trunk: "telekom", reachable: false, roundTripMilliseconds: nil))
        #expect(try down.decodedData() == .object(["trunk": .string("telekom"), "status": .string("unreachable")]))
    }

    @Test func aFailureCarriesItsReason() throws {
        let event = EventBridge.encode(
            .trunkRegistration(trunk: "telekom", state: .failed("403 Forbidden", retryAt: Date())))
        #expect(
            try event.decodedData() == .object([
                "trunk": .string("telekom"), "state": .string("failed"), "error": .string("403 Forbidden"),
            ]))
    }
}
