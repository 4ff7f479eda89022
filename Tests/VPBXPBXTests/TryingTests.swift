import Testing
import VPBXPBX
import VPBXSIP
import VPBXSignaling

/// `100 Trying` goes to a caller only when nothing else did within 200 ms (RFC 3261 §17.2.1).
@Suite("Calls: 100 Trying", .timeLimit(.minutes(1)))
struct TryingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// RFC 3261 timers (T1 500 ms, so 200 ms before a 100), not the harness's short ones: a
    /// busy test machine then still relays the callee's 180 long before the 100 would go.
    static let rfcTimings: PBXConfiguration = {
        var configuration = PBXHarness.configuration
        configuration.timings = .rfc3261
        return configuration
    }()

    func trying(to phone: Phone, in outbound: RecordingOutbound) -> Int {
        outbound.distinctCount { $0.isResponse(100, .invite, to: phone.address) }
    }

    @Test("a callee that rings at once: the caller hears its 180 and no 100, nor one before the 407")
    func ringingCalleeNoTrying() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.rfcTimings) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "callee-tag"), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)
            try await Task.sleep(for: .milliseconds(400))  // past the 200 ms
            #expect(trying(to: alice, in: pbx.outbound) == 0)
        }
    }

    @Test("a callee that stays silent: the caller gets 100 Trying from the engine, once")
    func silentCalleeTrying() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.rfcTimings) { pbx in
            _ = try await pbx.dial(from: alice, to: [desk])
            _ = try await pbx.outbound.response(100, .invite, to: alice.address)
            try await Task.sleep(for: .milliseconds(300))
            #expect(trying(to: alice, in: pbx.outbound) == 1)
        }
    }
}
