import NIOCore
import NIOPosix
import Testing

@testable import VPBXNetwork

/// Reusing closed sessions' sockets (``RTPRelay/Configuration/idleSessionLimit``).
@Suite("RTPRelay idle sessions")
struct RelayIdleSocketsTests {
    static func makePoolingRelay(limit: Int = 4, delay: TimeAmount = .zero, pairs: Int = 16) throws -> RTPRelay {
        try RTPRelay(
            group: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(
                portRange: testPortRange(pairs: pairs), inactivityTimeout: nil, idleSessionLimit: limit,
                idleReuseDelay: delay))
    }

    @Test func aClosedSessionsSocketsServeTheNextSessionWithFreshState() async throws {
        let relay = try Self.makePoolingRelay()
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneA = try await UDPPhone.bind()
        let phoneB = try await UDPPhone.bind()
        let stranger = try await UDPPhone.bind()
        defer {
            Task {
                await phoneA.close()
                await phoneB.close()
                await stranger.close()
            }
        }
        // The first call latches A to the stranger and forwards one packet.
        try await first.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
        try await stranger.send(rtpPacket(sequence: 1), to: first.aPort)
        _ = try await phoneB.waitForPackets(1)
        await first.close()
        #expect(relay.idleSessionCount == 1)
        #expect(relay.pool.isInUse(first.aPort))  // parked sockets keep their ports

        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(second.aPort == first.aPort && second.bPort == first.bPort)
        #expect(relay.idleSessionCount == 0)
        // Nothing of the first call carries over: A latches anew, counters start at zero.
        let fresh = try await second.statistics()
        #expect(fresh.a.rtp.packetsIn == 0 && !fresh.a.isLatched && fresh.b.rtpRemote == nil)
        try await second.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
        try await phoneA.send(rtpPacket(sequence: 2), to: second.aPort)
        #expect(try await phoneB.waitForPackets(2).count == 2)
        let reply = rtpPacket(sequence: 3)
        try await phoneB.send(reply, to: second.bPort)
        #expect(try await phoneA.waitForPackets(1).map(\.bytes) == [reply])
        #expect(stranger.received.isEmpty)
        // The closed session keeps its final figures.
        #expect(try await first.statistics().a.rtp.packetsIn == 1)
        await second.close()
        await relay.closeIdleSessions()
        #expect(!relay.pool.isInUse(first.aPort) && relay.pool.inUseCount == 0)
    }

    @Test func aSocketSetServesCallAfterCallEachPacketForwardedOnceAndCountedByItsOwnCall() async throws {
        // The forwarding handlers stay on the sockets between calls; each call attaches its own
        // endpoints. A handler left attached to an old call, or installed twice, would show as
        // a packet forwarded twice or counted by the wrong call.
        let relay = try Self.makePoolingRelay(limit: 1)
        try await withTwoPhones { phoneA, phoneB in
            var closed: [RelaySession] = []
            for call in 0..<5 {
                let session = try await relay.makeSession(bindHost: "127.0.0.1")
                if let previous = closed.last { #expect(session.aPort == previous.aPort) }
                try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
                try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
                try await phoneA.send(rtpPacket(sequence: UInt16(call)), to: session.aPort)
                #expect(try await phoneB.waitForPackets(call + 1).count == call + 1)
                try await phoneB.send(rtpPacket(sequence: UInt16(100 + call)), to: session.bPort)
                #expect(try await phoneA.waitForPackets(call + 1).count == call + 1)
                await session.close()
                closed.append(session)
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(phoneA.received.count == 5 && phoneB.received.count == 5)
            for session in closed {
                let statistics = try await session.statistics()
                #expect(statistics.a.rtp.packetsIn == 1 && statistics.a.rtp.packetsOut == 1)
                #expect(statistics.b.rtp.packetsIn == 1 && statistics.b.rtp.packetsOut == 1)
            }
            await relay.closeIdleSessions()
            #expect(relay.pool.inUseCount == 0)
        }
    }

    @Test func packetsToAParkedSessionGoNowhere() async throws {
        let relay = try Self.makePoolingRelay(delay: .seconds(60))
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            await session.close()
            try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
            try await Task.sleep(for: .milliseconds(200))
            #expect(phoneB.received.isEmpty)
            #expect(try await session.statistics().a.rtp.packetsIn == 0)
            await relay.closeIdleSessions()
        }
    }

    @Test func recentlyClosedSocketsWaitForTheReuseDelay() async throws {
        let relay = try Self.makePoolingRelay(delay: .seconds(60))
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(second.aPort != first.aPort && second.bPort != first.bPort)
        #expect(relay.idleSessionCount == 1)
        await second.close()
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }

    @Test func whenThePortsRunOutARecentlyClosedSessionIsReused() async throws {
        // Two pairs: one session. Its parked sockets are the only ports left.
        let relay = try Self.makePoolingRelay(delay: .seconds(60), pairs: 2)
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(second.aPort == first.aPort)
        await second.close()
        await relay.closeIdleSessions()
    }

    @Test func beyondTheLimitClosedSessionsCloseTheirSockets() async throws {
        let relay = try Self.makePoolingRelay(limit: 1)
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        await first.close()
        await second.close()
        #expect(relay.idleSessionCount == 1)
        #expect(relay.pool.isInUse(first.aPort) && !relay.pool.isInUse(second.aPort))
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }

    @Test func withoutALimitClosingReleasesThePorts() async throws {
        let relay = try Self.makePoolingRelay(limit: 0)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        await session.close()
        #expect(relay.idleSessionCount == 0 && relay.pool.inUseCount == 0)
    }

    @Test func setsParkedLongerThanTheLifetimeAreClosedOldestFirstAndTheirPortsReturned() async throws {
        let relay = try Self.makePoolingRelay()
        let older = try await relay.makeSession(bindHost: "127.0.0.1")
        let newer = try await relay.makeSession(bindHost: "127.0.0.1")
        await older.close()
        let between = NIODeadline.now()
        try await Task.sleep(for: .milliseconds(20))
        await newer.close()
        #expect(relay.idleSessionCount == 2 && relay.pool.inUseCount == 4)

        // A minute after `between`: only the set parked before it has lived out a minute.
        #expect(relay.closeSessionsParked(longerThan: TimeAmount.seconds(60), now: between + .seconds(60)) == 1)
        #expect(relay.idleSessionCount == 1)
        try await eventually("the older set's ports returned") { relay.pool.inUseCount == 2 }
        #expect(!relay.pool.isInUse(older.aPort) && !relay.pool.isInUse(older.bPort))
        #expect(relay.pool.isInUse(newer.aPort) && relay.pool.isInUse(newer.bPort))
        // Closed, not just forgotten: the ports can be bound by others.
        let rebound = try await UDPPhone.bind(port: older.aPort)
        await rebound.close()

        #expect(relay.closeSessionsParked(longerThan: TimeAmount.seconds(60), now: between + .seconds(60)) == 0)
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }

    @Test func theRelayClosesSetsNoCallTookWithinTheLifetimeByItself() async throws {
        let relay = try RTPRelay(
            group: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(
                portRange: testPortRange(pairs: 4), inactivityTimeout: nil, idleSessionLimit: 2,
                idleReuseDelay: .zero, idleSessionLifetime: .milliseconds(100)))
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        await session.close()
        try await eventually("the parked set closed") { relay.idleSessionCount == 0 && relay.pool.inUseCount == 0 }
        // The next call binds anew.
        let next = try await relay.makeSession(bindHost: "127.0.0.1")
        await next.close()
        await relay.closeIdleSessions()
    }
}

/// The calls the PBX makes without waiting (one task on the session's loop each).
@Suite("RelaySession without waiting")
struct RelaySessionWithoutWaitingTests {
    @Test func anExpectedRemoteSetWithoutWaitingTakesEffectInOrder() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneA = try await UDPPhone.bind()
        let wrong = try await UDPPhone.bind()
        let phoneB = try await UDPPhone.bind()
        defer {
            Task {
                await phoneA.close()
                await wrong.close()
                await phoneB.close()
            }
        }
        session.updateExpectedRemote(side: .b, host: "127.0.0.1", port: wrong.port)
        session.updateExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
        session.updateExpectedRemote(side: .b, host: "not-an-address", port: 1)  // ignored
        let statistics = try await session.statistics()  // runs after the updates, on the same loop
        #expect(statistics.b.rtpRemote?.port == phoneB.port)
        try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
        #expect(try await phoneB.waitForPackets(1).count == 1)
        #expect(wrong.received.isEmpty)
        await session.close()
    }

    @Test func closingWithoutWaitingReleasesThePortsAndLaterClosesShareIt() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        session.closeWithoutWaiting()
        session.closeWithoutWaiting()
        await session.close()
        #expect(relay.pool.inUseCount == 0)
        // The ports can be bound again at once.
        let next = try await relay.makeSession(bindHost: "127.0.0.1")
        await next.close()
        #expect(relay.pool.inUseCount == 0)
    }
}
