import NIOCore
import Testing

@testable import VPBXNetwork

@Suite("RelayInactivityMonitor")
struct RelayInactivityMonitorTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let timeout = TimeAmount.seconds(60)

    @Test func firesOnceWhenNothingArrives() {
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        #expect(monitor.firstCheck == .checkAgain(at: self.start + self.timeout))
        #expect(monitor.check(now: self.start + self.timeout) == .fire)
        #expect(monitor.check(now: self.start + .seconds(200)) == .idle)
    }

    @Test func activityPushesTheDeadline() {
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        monitor.recordActivity(side: .a, at: self.start + .seconds(50))
        monitor.recordActivity(side: .b, at: self.start + .seconds(55))
        #expect(monitor.check(now: self.start + .seconds(60)) == .checkAgain(at: self.start + .seconds(110)))
        // An older timestamp never moves the deadline back.
        monitor.recordActivity(side: .a, at: self.start + .seconds(10))
        #expect(monitor.check(now: self.start + .seconds(110)) == .fire)
    }

    @Test func eachSideIsTimedOnItsOwnSilence() {
        // Side B's phone vanished; side A talks on. The call ends one timeout after B's last.
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        monitor.recordActivity(side: .b, at: self.start + .seconds(20))
        for second in stride(from: 1, through: 79, by: 1) {
            monitor.recordActivity(side: .a, at: self.start + .seconds(Int64(second)))
        }
        #expect(monitor.check(now: self.start + .seconds(60)) == .checkAgain(at: self.start + .seconds(80)))
        #expect(monitor.check(now: self.start + .seconds(80)) == .fire)
    }

    @Test func anUnwatchedSideIsNotMissedAndDoesNotKeepTheOtherAlive() {
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        #expect(monitor.setWatched(a: true, b: false, now: self.start) == .checkAgain(at: self.start + self.timeout))
        monitor.recordActivity(side: .a, at: self.start + .seconds(30))
        #expect(monitor.check(now: self.start + .seconds(60)) == .checkAgain(at: self.start + .seconds(90)))
        // B (an application's music) sends on; A has gone silent.
        monitor.recordActivity(side: .b, at: self.start + .seconds(89))
        #expect(monitor.check(now: self.start + .seconds(90)) == .fire)
    }

    @Test func aSideWatchedAnewGetsAWholePeriod() {
        // A queue's music (B, unwatched, silent to the monitor) hands the caller to an agent.
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        _ = monitor.setWatched(a: true, b: false, now: self.start)
        monitor.recordActivity(side: .a, at: self.start + .seconds(100))
        monitor.recordActivity(side: .a, at: self.start + .seconds(150))
        let handedOn = self.start + .seconds(150)
        #expect(monitor.setWatched(a: true, b: true, now: handedOn) == .checkAgain(at: handedOn + self.timeout))
        // A side that was already watched keeps its record.
        #expect(monitor.setWatched(a: true, b: true, now: handedOn + .seconds(30)) == .checkAgain(at: handedOn + self.timeout))
        #expect(monitor.check(now: handedOn + self.timeout) == .fire)
    }

    @Test func nothingWatchedNeedsNoCheckUntilASideIs() {
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        #expect(monitor.setWatched(a: false, b: false, now: self.start) == .idle)
        #expect(monitor.check(now: self.start + .seconds(600)) == .idle)
        let watched = self.start + .seconds(700)
        #expect(monitor.setWatched(a: false, b: true, now: watched) == .checkAgain(at: watched + self.timeout))
        #expect(monitor.check(now: watched + self.timeout) == .fire)
    }

    @Test func suspendedNeverFiresAndResumingStartsAFreshPeriod() {
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start)
        #expect(monitor.setSuspended(true, now: self.start + .seconds(1)) == .idle)
        #expect(monitor.check(now: self.start + .seconds(600)) == .idle)
        let resumed = self.start + .seconds(700)
        #expect(monitor.setSuspended(false, now: resumed) == .checkAgain(at: resumed + self.timeout))
        #expect(monitor.setSuspended(false, now: resumed) == .idle)
        #expect(monitor.check(now: resumed + .seconds(59)) == .checkAgain(at: resumed + self.timeout))
        #expect(monitor.check(now: resumed + self.timeout) == .fire)
    }

    @Test func madeSuspendedItWaitsForTheResumeThenCountsFromThere() {
        // A ringing call: no first check at all, and packets (early media) do not start it.
        var monitor = RelayInactivityMonitor(timeout: self.timeout, now: self.start, suspended: true)
        #expect(monitor.firstCheck == .idle)
        monitor.recordActivity(side: .a, at: self.start + .seconds(5))
        #expect(monitor.check(now: self.start + .seconds(500)) == .idle)
        let answered = self.start + .seconds(550)
        #expect(monitor.setSuspended(false, now: answered) == .checkAgain(at: answered + self.timeout))
        #expect(monitor.check(now: answered + .seconds(59)) == .checkAgain(at: answered + self.timeout))
        #expect(monitor.check(now: answered + self.timeout) == .fire)
    }
}
