import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// `--source-rate-limit`: new requests per second from one untrusted source.
@Suite("Source rate limit", .timeLimit(.minutes(1)))
struct SourceRateLimiterTests {
    @Test("the limit is per source and per second; the first drop of a second is marked")
    func perSourcePerSecond() {
        var limiter = SourceRateLimiter(limit: 3)
        let start = ContinuousClock.now
        let verdicts = (0..<5).map { _ in limiter.admit("192.0.2.1", now: start) }
        #expect(verdicts == [.admit, .admit, .admit, .drop(firstInWindow: true), .drop(firstInWindow: false)])
        #expect(limiter.admit("192.0.2.2", now: start) == .admit)  // another source: its own count
        // A window lasts a second from its first request; then the count starts again.
        #expect(limiter.admit("192.0.2.1", now: start + .milliseconds(999)) == .drop(firstInWindow: false))
        let later = start + .seconds(1)
        #expect(limiter.admit("192.0.2.1", now: later) == .admit)
    }

    @Test("past the tracked-source bound a new source is let through, not remembered")
    func boundedMemory() {
        var limiter = SourceRateLimiter(limit: 1, maximumTrackedSources: 2)
        let now = ContinuousClock.now
        #expect(limiter.admit("a", now: now) == .admit)
        #expect(limiter.admit("b", now: now) == .admit)
        #expect(limiter.admit("c", now: now) == .admit)
        #expect(limiter.admit("c", now: now) == .admit)  // not tracked
        #expect(limiter.admit("a", now: now) == .drop(firstInWindow: true))
    }

    static func options(from phone: Phone, _ number: Int) -> SIPRequest {
        PBXHarness.options(from: phone, callID: "flood-\(number)@phone")
    }

    @Test("a burst beyond the limit from an untrusted source: the first ones answered, the rest dropped and counted")
    func untrustedBurst() async throws {
        var configuration = PBXHarness.configuration
        configuration.sourceRateLimit = 5
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            let alice = Cast.alice
            for number in 0..<12 { pbx.send(Self.options(from: alice, number), from: alice) }
            try await pbx.settle(via: Cast.carol)
            let answered = pbx.outbound.sent.filter { $0.isResponse(200, .options, to: alice.address) }.count
            let limited = await pbx.core.currentStatistics().requestsRateLimited
            // All twelve normally fall in one second; if the second turned over in between,
            // the new window lets up to five more through.
            #expect((5...10).contains(answered), "answered \(answered)")
            #expect(answered + limited == 12)
        }
    }

    @Test("a trusted source is never limited")
    func trustedNotLimited() async throws {
        var configuration = PBXHarness.configuration
        configuration.sourceRateLimit = 5
        configuration.trustedNetworks = [try CIDR(parsing: "192.0.2.10/32")]
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            let alice = Cast.alice
            for number in 0..<12 { pbx.send(Self.options(from: alice, number), from: alice) }
            try await eventually("all twelve answered") {
                pbx.outbound.sent.filter { $0.isResponse(200, .options, to: alice.address) }.count == 12
            }
            #expect(await pbx.core.currentStatistics().requestsRateLimited == 0)
        }
    }
}
