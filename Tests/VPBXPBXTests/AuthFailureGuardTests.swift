import Testing

@testable import VPBXPBX

/// Counting failed authentications per source and banning, with explicit instants.
@Suite("AuthFailureGuard")
struct AuthFailureGuardTests {
    let start = ContinuousClock.now
    let policy = AuthFailureGuard.Policy(limit: 3, window: .seconds(60), banDuration: .seconds(600))

    @Test("the limit-th failure within the window bans the source until the ban ends")
    func bansAtTheLimit() {
        var guardian = AuthFailureGuard(policy: policy)
        let first = guardian.recordFailure(from: "192.0.2.7", now: start)
        let second = guardian.recordFailure(from: "192.0.2.7", now: start + .seconds(1))
        #expect(first == nil && second == nil)
        #expect(!guardian.isBanned("192.0.2.7", now: start + .seconds(2)))
        let ban = guardian.recordFailure(from: "192.0.2.7", now: start + .seconds(2))
        #expect(ban?.failures == 3)
        #expect(ban?.until == start + .seconds(602))
        #expect(guardian.isBanned("192.0.2.7", now: start + .seconds(3)))
        #expect(guardian.isBanned("192.0.2.7", now: start + .seconds(601)))
        #expect(!guardian.isBanned("192.0.2.7", now: start + .seconds(602)))
        #expect(!guardian.isBanned("192.0.2.8", now: start + .seconds(3)))
    }

    @Test("failures spread wider than the window never add up to a ban")
    func windowResets() {
        var guardian = AuthFailureGuard(policy: policy)
        for minute in 0..<10 {
            // Two failures a minute, as a phone with a stale password that retries.
            let at = start + .seconds(60 * minute)
            let early = guardian.recordFailure(from: "192.0.2.7", now: at)
            let late = guardian.recordFailure(from: "192.0.2.7", now: at + .seconds(30))
            #expect(early == nil && late == nil)
        }
        #expect(guardian.activeBans(now: start + .seconds(600)).isEmpty)
    }

    @Test("an exempt network is never banned; others still are")
    func exemptNetworks() throws {
        var exempting = policy
        exempting.exempt = [try CIDR(parsing: "198.51.100.0/24")]
        var guardian = AuthFailureGuard(policy: exempting)
        var bans: [AuthFailureGuard.Ban] = []
        for _ in 0..<10 {
            if let ban = guardian.recordFailure(from: "198.51.100.20", now: start) { bans.append(ban) }
            if let ban = guardian.recordFailure(from: "192.0.2.7", now: start) { bans.append(ban) }
        }
        #expect(bans.map(\.source) == ["192.0.2.7"])
        #expect(!guardian.isBanned("198.51.100.20", now: start))
    }

    @Test("a limit of 0 never bans")
    func disabled() {
        var guardian = AuthFailureGuard(policy: .init(limit: 0, window: .seconds(60), banDuration: .seconds(600)))
        for second in 0..<100 {
            let ban = guardian.recordFailure(from: "192.0.2.7", now: start + .milliseconds(second))
            #expect(ban == nil)
        }
        #expect(!guardian.hasBans)
    }

    @Test("expiry lifts ended bans and reports them; lift ends one early")
    func expiryAndLift() {
        var guardian = AuthFailureGuard(policy: policy)
        for source in ["192.0.2.1", "192.0.2.2"] {
            for _ in 0..<3 { _ = guardian.recordFailure(from: source, now: start) }
        }
        #expect(guardian.activeBans(now: start).map(\.source).sorted() == ["192.0.2.1", "192.0.2.2"])
        let lifted = guardian.lift("192.0.2.1")
        let liftedAgain = guardian.lift("192.0.2.1")
        #expect(lifted && !liftedAgain)
        #expect(!guardian.isBanned("192.0.2.1", now: start))
        let notYet = guardian.expire(now: start + .seconds(599))
        let ended = guardian.expire(now: start + .seconds(600))
        #expect(notYet.isEmpty && ended.map(\.source) == ["192.0.2.2"])
        #expect(!guardian.hasBans)
    }

    @Test("no more than the maximum of sources is counted at once")
    func boundedTracking() {
        var small = policy
        small.maximumTrackedSources = 2
        var guardian = AuthFailureGuard(policy: small)
        _ = guardian.recordFailure(from: "192.0.2.1", now: start)
        _ = guardian.recordFailure(from: "192.0.2.2", now: start)
        // A third source is not counted while two windows are open...
        for _ in 0..<5 {
            let ban = guardian.recordFailure(from: "192.0.2.3", now: start)
            #expect(ban == nil)
        }
        // ...and is once they have expired.
        let later = start + .seconds(60)
        _ = guardian.expire(now: later)
        let first = guardian.recordFailure(from: "192.0.2.3", now: later)
        let second = guardian.recordFailure(from: "192.0.2.3", now: later)
        let third = guardian.recordFailure(from: "192.0.2.3", now: later)
        #expect(first == nil && second == nil && third != nil)
    }
}
