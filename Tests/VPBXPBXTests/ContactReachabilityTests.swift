import Foundation
import Testing

@testable import VPBXPBX

/// The contact checks' state, without a core: what each outcome changes and what is reported.
/// (Mutating calls stay outside `#expect`, whose expansion cannot mutate.)
@Suite struct ContactReachabilityTests {
    let key = ContactReachability.Key(extensionNumber: "101", contact: "sip:101@192.0.2.21:5060")
    let start = ContinuousClock.now
    let date = Date(timeIntervalSince1970: 1_800_000_000)

    /// Starts a probe that must start.
    private func probe(_ table: inout ContactReachability, _ key: ContactReachability.Key, at now: ContinuousClock.Instant) throws -> Int {
        let number = table.startProbe(key, at: now)
        return try #require(number)
    }

    @Test func anAnswerGivesTheRoundTripAndIsReportedOnce() throws {
        var table = ContactReachability()
        let first = try probe(&table, key, at: start)
        let again = table.startProbe(key, at: start)
        #expect(again == nil, "one probe at a time")
        let answered = table.answered(key, probe: first, at: start + .milliseconds(12), date: date)
        #expect(answered == .becameReachable(roundTrip: .milliseconds(12)))
        let later = start + .seconds(60)
        let second = try probe(&table, key, at: later)
        let answeredAgain = table.answered(key, probe: second, at: later + .milliseconds(30), date: date + 60)
        #expect(answeredAgain == nil, "still reachable: nothing to report")
        // Reachable since the first answer, with the latest round trip.
        #expect(table.status(of: key) == .reachable(roundTrip: .milliseconds(30), since: date))
        #expect(!table.isUnreachable(key))
    }

    @Test func aStaleAnswerOrTimeoutChangesNothing() throws {
        var table = ContactReachability()
        let number = try probe(&table, key, at: start)
        let staleAnswer = table.answered(key, probe: number + 1, at: start, date: date)
        let staleTimeout = table.timedOut(key, probe: number + 1, date: date)
        #expect(staleAnswer == nil && staleTimeout == nil)
        #expect(table.status(of: key) == .unknown)
    }

    @Test func aPhoneThatRegistersBetweenFailedChecksIsReportedUnreachableOnceAndBackOnce() throws {
        var table = ContactReachability()
        let first = try probe(&table, key, at: start)
        let failed = table.timedOut(key, probe: first, date: date)
        #expect(failed == .becameUnreachable)
        #expect(table.isUnreachable(key))
        table.registered(key)
        #expect(table.status(of: key) == .unknown, "rung again after registering")
        let second = try probe(&table, key, at: start + .seconds(60))
        let failedAgain = table.timedOut(key, probe: second, date: date + 60)
        #expect(failedAgain == nil, "not reported again")
        #expect(table.status(of: key) == .unreachable(since: date + 60))
        let late = table.lateAnswer(key, date: date + 62)
        #expect(late == .becameReachable(roundTrip: nil))
        let lateAgain = table.lateAnswer(key, date: date + 63)
        #expect(lateAgain == nil)
    }

    @Test func forgettingKeepsOnlyTheCurrentContacts() throws {
        var table = ContactReachability()
        let other = ContactReachability.Key(extensionNumber: "101", contact: "sip:101@192.0.2.22:5062")
        let elsewhere = ContactReachability.Key(extensionNumber: "102", contact: "sip:102@192.0.2.30")
        for entry in [key, other, elsewhere] {
            let number = try probe(&table, entry, at: start)
            _ = table.timedOut(entry, probe: number, date: date)
        }
        table.forget("101", keeping: [other.contact])
        #expect(!table.isUnreachable(key) && table.isUnreachable(other) && table.isUnreachable(elsewhere))
        table.forget(other)
        #expect(!table.isUnreachable(other))
    }
}
