import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import VPBXNetwork

/// The inactivity timeout of a session whose packets the relay's poller thread reads: each
/// check asks the poller for its arrival times, and the answer comes back through the event
/// loop, which may be slow to run it.
@Suite("RelayActivity with the poller's arrival times", .timeLimit(.minutes(1)))
struct RelayActivityPollerTimesTests {
    /// The poller read a packet just before each check asked, but the loop took its answer
    /// only 1.5 timeouts later (busy with other work): the call's media flows and it must not
    /// end. Once the poller reads nothing any more, the timeout fires. Before stop 40 the
    /// check decided as of the answer's arrival and ended the call at its first check (a
    /// parallel `swift test` did that to `RelaySessionTimeoutTests` now and then).
    @Test func aLoopSlowToTakeThePollersAnswerDoesNotEndACallWhoseMediaFlows() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let fired = NIOLockedValueBox(0)
        let checks = NIOLockedValueBox(0)
        let flowing = NIOLockedValueBox(true)
        let timeout = TimeAmount.milliseconds(200)
        try await loop.submit {
            let activity = RelayActivity(
                eventLoop: loop, timeout: timeout, onTimeout: { fired.withLockedValue { $0 += 1 } })
            activity.beforeCheck = { done in
                let asked = NIODeadline.now()
                checks.withLockedValue { $0 += 1 }
                let sawPacket = flowing.withLockedValue { $0 }
                loop.assumeIsolated().scheduleTask(in: .milliseconds(300)) {
                    // The poller's answer: a packet from each phone read 5 ms before it was asked.
                    if sawPacket {
                        activity.record(side: .a, at: asked - .milliseconds(5))
                        activity.record(side: .b, at: asked - .milliseconds(5))
                    }
                    done()
                }
            }
            activity.start()
        }.get()

        try await Task.sleep(for: .milliseconds(1_500))
        #expect(fired.withLockedValue { $0 } == 0, "ended while the poller kept reading packets")
        #expect(checks.withLockedValue { $0 } >= 3, "the timeout was checked while media flowed")
        flowing.withLockedValue { $0 = false }
        try await eventually(timeout: .seconds(5), "the timeout to fire once the packets stopped") {
            fired.withLockedValue { $0 } == 1
        }
        try await group.shutdownGracefully()
    }
}
