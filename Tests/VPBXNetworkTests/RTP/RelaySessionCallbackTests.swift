import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import VPBXNetwork

/// `makeSession(...completion:)`, the path the PBX core takes when no session is ready at once:
/// a parked socket set (ready meanwhile) becomes the session before the call returns; without
/// one, new sockets are bound; failures are reported.
@Suite("RTPRelay sessions for callers that do not wait", .timeLimit(.minutes(1)))
struct RelaySessionCallbackTests {
    /// Runs the callback form and waits for its completion, noting whether it completed
    /// before the call returned.
    private func makeSession(
        _ relay: RTPRelay, expectingA: (host: String, port: Int)? = nil
    ) async -> (result: Result<RelaySession, any Error>, completedBeforeReturning: Bool) {
        let returned = NIOLockedValueBox(false)
        return await withCheckedContinuation { done in
            relay.makeSession(bindHost: "127.0.0.1", expectingA: expectingA, onTimeout: nil) { result in
                done.resume(returning: (result, !returned.withLockedValue { $0 }))
            }
            returned.withLockedValue { $0 = true }
        }
    }

    @Test func aParkedSetBecomesTheSessionBeforeTheCallReturnsAndExpectsTheCaller() async throws {
        let relay = try RelayIdleSocketsTests.makePoolingRelay()
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        #expect(relay.idleSessionCount == 1)
        try await withTwoPhones { phoneA, phoneB in
            let made = await makeSession(relay, expectingA: ("127.0.0.1", phoneA.port))
            let session = try made.result.get()
            #expect(made.completedBeforeReturning)
            #expect(session.aPort == first.aPort && relay.idleSessionCount == 0)
            // Side A already points at the caller: B's media reaches it before A sent anything.
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            let packet = rtpPacket(sequence: 9)
            try await phoneB.send(packet, to: session.bPort)
            #expect(try await phoneA.waitForPackets(1).map(\.bytes) == [packet])
            await session.close()
            await relay.closeIdleSessions()
        }
    }

    @Test func withoutAParkedSetNewSocketsAreBound() async throws {
        let relay = try makeRelay(pairs: 4)
        let made = await makeSession(relay)
        let session = try made.result.get()
        #expect(relay.pool.isInUse(session.aPort) && relay.pool.isInUse(session.bPort))
        await session.close()
        #expect(relay.pool.inUseCount == 0)
    }

    @Test func anExhaustedRangeIsReportedThroughTheCompletion() async throws {
        let relay = try makeRelay(pairs: 2)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let made = await makeSession(relay)
        #expect(throws: RTPRelayError.self) { try made.result.get() }
        await session.close()
    }
}
