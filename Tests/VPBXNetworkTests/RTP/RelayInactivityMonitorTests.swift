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
        monitor.recordActivity(at: self.start + .seconds(50))
        #expect(monitor.check(now: self.start + .seconds(60)) == .checkAgain(at: self.start + .seconds(110)))
        // An older timestamp never moves the deadline back.
        monitor.recordActivity(at: self.start + .seconds(10))
        #expect(monitor.check(now: self.start + .seconds(110)) == .fire)
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
        monitor.recordActivity(at: self.start + .seconds(5))
        #expect(monitor.check(now: self.start + .seconds(500)) == .idle)
        let answered = self.start + .seconds(550)
        #expect(monitor.setSuspended(false, now: answered) == .checkAgain(at: answered + self.timeout))
        #expect(monitor.check(now: answered + .seconds(59)) == .checkAgain(at: answered + self.timeout))
        #expect(monitor.check(now: answered + self.timeout) == .fire)
    }
}
