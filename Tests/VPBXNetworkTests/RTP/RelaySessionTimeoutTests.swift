import NIOCore
import Testing

@testable import VPBXNetwork

@Suite("RelaySession inactivity timeout")
struct RelaySessionTimeoutTests {
    let timeout = TimeAmount.milliseconds(300)

    @Test func firesOnceWhenNoRTPArrives() async throws {
        let relay = try makeRelay(timeout: self.timeout)
        let counter = TimeoutCounter()
        let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
        try await eventually(timeout: .seconds(3), "timeout fired") { counter.value == 1 }
        try await Task.sleep(for: .milliseconds(400))
        #expect(counter.value == 1)
        await session.close()
    }

    @Test func doesNotFireWhileRTPFlowsAndFiresAfterItStops() async throws {
        // A wider timeout than the other tests: the sender sleeps between packets, and on a
        // loaded two-core machine a 50 ms sleep can stretch past a 300 ms timeout.
        let relay = try makeRelay(timeout: .milliseconds(1_500))
        let counter = TimeoutCounter()
        let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
        let phoneA = try await UDPPhone.bind()
        defer { Task { await phoneA.close() } }

        // 3.5 s of packets every 50 ms: more than two timeout periods, so only flowing media
        // keeps the session alive. Packets to a side without a remote still count as activity.
        for sequence in 0..<70 {
            try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(counter.value == 0)
        try await eventually(timeout: .seconds(3), "timeout fired after media stopped") { counter.value == 1 }
        await session.close()
    }

    @Test func suspendedTimeoutDoesNotFireAndResumingRestartsIt() async throws {
        let relay = try makeRelay(timeout: self.timeout)
        let counter = TimeoutCounter()
        let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
        try await session.setTimeoutSuspended(true)
        try await Task.sleep(for: .milliseconds(700))
        #expect(counter.value == 0)
        try await session.setTimeoutSuspended(false)
        try await eventually(timeout: .seconds(3), "timeout fired after resume") { counter.value == 1 }
        await session.close()
    }

    @Test func closingStopsTheTimeout() async throws {
        // The timeout is armed when the session is made; under load the close can come later
        // than a short timeout, so this one is generous and the wait after close exceeds it.
        let relay = try makeRelay(timeout: .milliseconds(1_000))
        let counter = TimeoutCounter()
        let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
        await session.close()
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(counter.value == 0)
    }
}
