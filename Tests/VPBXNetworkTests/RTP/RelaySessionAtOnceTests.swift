import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import VPBXNetwork

/// Sessions made at once from parked socket sets (``RTPRelay/makeSessionAtOnce(bindHost:expectingA:timeoutSuspended:onTimeout:)``):
/// handed out before their state is built on the loop.
@Suite("RTPRelay sessions at once", .timeLimit(.minutes(1)))
struct RelaySessionAtOnceTests {
    private let music = try! RelayAudioLoop(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160))

    /// A relay holding one parked socket set, ready for reuse, and that set's ports.
    private func relayWithAParkedSet() async throws -> (RTPRelay, aPort: Int, bPort: Int) {
        let relay = try RelayIdleSocketsTests.makePoolingRelay()
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        #expect(relay.idleSessionCount == 1)
        return (relay, first.aPort, first.bPort)
    }

    @Test func theRelayCountsSessionsLeftFromFreePairsAndParkedSets() async throws {
        let relay = try RelayIdleSocketsTests.makePoolingRelay(pairs: 8)
        #expect(relay.sessionsAvailable == 4)
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(relay.sessionsAvailable == 2)
        await first.close()  // parked: its ports stay reserved, and it counts as one session
        #expect(relay.sessionsAvailable == 3 && relay.idleSessionCount == 1)
        let third = try #require(relay.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: nil, onTimeout: nil))
        #expect(relay.sessionsAvailable == 2)
        for session in [second, third] { await session.close() }
        await relay.closeIdleSessions()
        #expect(relay.sessionsAvailable == 4 && relay.pool.inUseCount == 0)
    }

    @Test func withoutAParkedSetThereIsNoSessionAtOnce() async throws {
        let pooling = try RelayIdleSocketsTests.makePoolingRelay()
        #expect(pooling.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: nil, onTimeout: nil) == nil)
        let notPooling = try makeRelay()
        let session = try await notPooling.makeSession(bindHost: "127.0.0.1")
        await session.close()
        #expect(notPooling.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: nil, onTimeout: nil) == nil)
        #expect(pooling.pool.inUseCount == 0 && notPooling.pool.inUseCount == 0)
    }

    @Test func aParkedSetGivesASessionAtOnceThatExpectsTheCallerAndForwardsBothWays() async throws {
        let (relay, aPort, bPort) = try await relayWithAParkedSet()
        try await withTwoPhones { phoneA, phoneB in
            let session = try #require(
                relay.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: ("127.0.0.1", phoneA.port), onTimeout: nil))
            #expect(session.aPort == aPort && session.bPort == bPort)
            #expect(relay.idleSessionCount == 0)
            session.updateExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            // B's packet goes to the address A's SDP gave, before A ever sent anything.
            let fromB = rtpPacket(sequence: 7)
            try await phoneB.send(fromB, to: session.bPort)
            #expect(try await phoneA.waitForPackets(1).map(\.bytes) == [fromB])
            let fromA = rtpPacket(sequence: 8)
            try await phoneA.send(fromA, to: session.aPort)
            #expect(try await phoneB.waitForPackets(1).map(\.bytes) == [fromA])
            let statistics = try await session.statistics()
            #expect(statistics.a.rtp.packetsIn == 1 && statistics.b.rtp.packetsIn == 1)
            #expect(statistics.a.rtpRemote?.port == phoneA.port)
            await session.close()
            #expect(relay.idleSessionCount == 1)
            await relay.closeIdleSessions()
            #expect(relay.pool.inUseCount == 0)
        }
    }

    /// The set is taken from the parked ones at once, but its state is built by a task on
    /// its event loop, behind whatever the loop is busy with; meanwhile the poller still
    /// watches the set. A packet the new call sends then (a callee answering quickly while the
    /// loop is behind) must wait for the state, not be dropped as the parked set's.
    @Test func aPacketThatArrivesBeforeTheSessionsStateIsBuiltIsForwardedOnceItIs() async throws {
        // The relay's loop is held by the test, so it gets a group of its own, and so do the
        // phones (on the held loop they would read nothing).
        let relayGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let phoneGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let relay = try RTPRelay(
            group: relayGroup,
            configuration: .init(
                portRange: testPortRange(pairs: 8), inactivityTimeout: nil, idleSessionLimit: 4, idleReuseDelay: .zero))
        let phoneA = try await UDPPhone.bind(group: phoneGroup)
        let phoneB = try await UDPPhone.bind(group: phoneGroup)
        defer {
            Task {
                await phoneA.close()
                await phoneB.close()
                try? await phoneGroup.shutdownGracefully()
                try? await relayGroup.shutdownGracefully()
            }
        }
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        #expect(relay.idleSessionCount == 1)

        let gate = DispatchSemaphore(value: 0)
        let held = relayGroup.next().submit { _ = gate.wait(timeout: .now() + 10) }
        let session = try #require(
            relay.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: ("127.0.0.1", phoneA.port), onTimeout: nil))
        let fromB = rtpPacket(sequence: 21)
        try await phoneB.send(fromB, to: session.bPort)
        // Time for the poller, which does not wait for the loop, to read the socket: before
        // the claim it dropped the packet here.
        try await Task.sleep(for: .milliseconds(200))
        #expect(phoneA.received.isEmpty)
        gate.signal()
        try await held.get()

        #expect(try await phoneA.waitForPackets(1).map(\.bytes) == [fromB])
        let statistics = try await session.statistics()
        #expect(statistics.b.rtp.packetsIn == 1 && statistics.b.rtpRemote?.port == phoneB.port)
        await session.close()
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }

    @Test func whatASessionIsAskedBeforeItsStateIsBuiltWaitsAndAppliesInOrder() async throws {
        let (relay, _, _) = try await relayWithAParkedSet()
        try await withTwoPhones { phoneA, _ in
            let made = NIOLockedValueBox<RelaySession?>(nil)
            relay.gatheringLoopWork {
                // The build is held until the gathering ends; `play` goes to the loop at once,
                // so it reaches the loop first and must wait for the state, then apply.
                let session = relay.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: nil, onTimeout: nil)
                session?.play(music, toward: .a)
                session?.updateExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
                made.withLockedValue { $0 = session }
            }
            let session = try #require(made.withLockedValue { $0 })
            let heard = try await phoneA.waitForPackets(3)
            #expect(heard.allSatisfy { $0.bytes.count == 12 + 160 && $0.bytes[1] & 0x7F == 0 })
            #expect(heard.allSatisfy { $0.bytes[12...].allSatisfy { $0 == 0xFF } })
            let statistics = try await session.statistics()
            #expect(statistics.a.isPlaying && !statistics.b.isPlaying)
            #expect(statistics.a.rtpRemote?.port == phoneA.port)
            await session.close()
            await relay.closeIdleSessions()
            #expect(relay.pool.inUseCount == 0)
        }
    }

    @Test func aSessionClosedAsSoonAsItIsMadeParksItsSocketsAgain() async throws {
        let (relay, aPort, _) = try await relayWithAParkedSet()
        let session = try #require(relay.makeSessionAtOnce(bindHost: "127.0.0.1", expectingA: nil, onTimeout: nil))
        session.closeWithoutWaiting()
        await session.close()
        #expect(relay.idleSessionCount == 1 && relay.pool.isInUse(aPort))
        #expect(try await session.statistics().a.rtp.packetsIn == 0)
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }
}
