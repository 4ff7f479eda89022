import Glibc
import NIOConcurrencyHelpers
import NIOCore
import Testing
import VPBXRTP

@testable import VPBXNetwork

/// The poller forwards plain bridged calls; a feature takes the call's packets to the event
/// loop and gives them back. Nothing the relay learnt about the phones may be lost on the way.
@Suite("RTP relay poller hand-offs", .timeLimit(.minutes(1)))
struct RelayPollerHandOffTests {
    private let music = try! RelayAudioLoop(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160))

    @Test("the latch and the counters survive music on hold (loop) and its end (poller again)")
    func latchAndCountersSurviveAHandOffAndBack() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let intruder = try await UDPPhone.bind()
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            // On the poller: A latches, three packets reach B, an intruder is dropped.
            for sequence in 1...3 { try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort) }
            _ = try await phoneB.waitForPackets(3)
            try await intruder.send(rtpPacket(sequence: 666), to: session.aPort)
            try await eventually { try await session.statistics().a.rtp.droppedForeignSource == 1 }

            // On the loop (music toward B): A's latch came along, so the intruder is still foreign.
            session.play(self.music, toward: .b)
            try await eventually { try await session.statistics().b.isPlaying }
            try await phoneA.send(rtpPacket(sequence: 4), to: session.aPort)
            try await intruder.send(rtpPacket(sequence: 667), to: session.aPort)
            try await eventually {
                let statistics = try await session.statistics()
                return statistics.b.rtp.droppedWhilePlaying == 1 && statistics.a.rtp.droppedForeignSource == 2
            }

            // Back on the poller: forwarding resumes from the same latch and counters.
            session.stopPlaying(toward: .b)
            try await eventually { try await !session.statistics().b.isPlaying }
            try await self.expectOnlyAForwarded(5, intruder: 668, session: session, phoneA: phoneA, phoneB: phoneB, intruderPhone: intruder)
            try await eventually { try await session.statistics().a.rtp.droppedForeignSource == 3 }

            let statistics = try await session.statistics()
            #expect(statistics.a.rtp.packetsIn == 5)
            #expect(statistics.a.isLatched && statistics.a.rtpRemote?.port == phoneA.port)
            // Three before the music, one after: the music's own packets count as well.
            #expect(statistics.b.rtp.packetsOut >= 4)
            #expect(intruder.received.isEmpty)
            await session.close()
        }
        await intruder.close()
    }

    @Test("an address change sent while the poller forwards applies in order with the packets")
    func anExpectedAddressSetWhileForwardingAppliesOnThePoller() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let moved = try await UDPPhone.bind()
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
            _ = try await phoneB.waitForPackets(1)
            // B never sent, so it is not latched: a re-INVITE's new address takes over at once.
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: moved.port)
            try await phoneA.send(rtpPacket(sequence: 2), to: session.aPort)
            let atMoved = try await moved.waitForPackets(1)
            #expect(atMoved.map(\.bytes) == [rtpPacket(sequence: 2)])
            #expect(phoneB.received.count == 1)
            #expect(try await session.statistics().b.rtpRemote?.port == moved.port)
            await session.close()
        }
        await moved.close()
    }

    @Test("without the poller the event loop's handlers forward, latch and count")
    func withoutThePollerTheHandlersForward() async throws {
        let relay = try makeRelay(pollerThreads: 0)
        #expect(relay.pollers.isEmpty)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let intruder = try await UDPPhone.bind()
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
            _ = try await phoneB.waitForPackets(1)
            try await phoneB.send(rtpPacket(sequence: 2), to: session.bPort)
            let atA = try await phoneA.waitForPackets(1)
            #expect(atA.map(\.bytes) == [rtpPacket(sequence: 2)])
            try await intruder.send(rtpPacket(sequence: 3), to: session.aPort)
            try await eventually { try await session.statistics().a.rtp.droppedForeignSource == 1 }
            let statistics = try await session.statistics()
            #expect(statistics.a.rtp.packetsIn == 1 && statistics.b.rtp.packetsIn == 1)
            #expect(statistics.a.rtp.packetsOut == 1 && statistics.b.rtp.packetsOut == 1)
            await session.close()
        }
        await intruder.close()
    }

    @Test("calls set up and torn down from many tasks at once on parked sets: every close and every statistics call returns")
    func concurrentCallChurnNeverLosesAWakeUp() async throws {
        // Commands that do not wake the poller ride along with ones that do; a wake-up consumed
        // at the wrong moment left a close waiting forever (found by the sip-load benchmark).
        let relay = try RelayIdleSocketsTests.makePoolingRelay(limit: 16, pairs: 40)
        let closed = NIOLockedValueBox(0)
        let allDone = try await finishes(within: .seconds(40)) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<6 {
                    tasks.addTask {
                        for round in 0..<40 {
                            let session = try await relay.makeSession(
                                bindHost: "127.0.0.1", expectingA: ("127.0.0.1", 40_000 + round * 2))
                            session.updateExpectedRemote(side: .b, host: "127.0.0.1", port: 41_000 + round * 2)
                            let statistics = try await session.statistics()
                            #expect(statistics.b.rtpRemote?.port == 41_000 + round * 2)
                            await session.close()
                            closed.withLockedValue { $0 += 1 }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
        }
        #expect(allDone, "a statistics call or a close never returned (\(closed.withLockedValue { $0 }) of 240 closed)")
        #expect(closed.withLockedValue { $0 } == 240)
        guard allDone else { return }
        await relay.closeIdleSessions()
        #expect(relay.pool.inUseCount == 0)
    }

    /// A close does not wake the poller (a burst of closes shares its wake-ups); with no packet
    /// to wake it either, the poller's own tick must still take the command.
    @Test("a close returns without a packet to wake the poller; the ports come back")
    func aCloseReturnsWhenNoPacketFlows() async throws {
        let relay = try makeRelay(pairs: 4)
        let session = try await relay.makeSession(bindHost: "127.0.0.1", expectingA: ("127.0.0.1", 40_000))
        // Handed to the poller (nothing needs the packets on the loop), then closed in silence.
        _ = try await session.statistics()
        let closedInTime = try await finishes(within: .seconds(2)) { await session.close() }
        #expect(closedInTime, "the close waited for a packet that never came")
        #expect(relay.pool.inUseCount == 0)
    }

    @Test("with two poller threads socket sets take turns, and calls on either are forwarded")
    func twoPollersShareTheSocketSets() async throws {
        let relay = try makeRelay(pollerThreads: 2)
        #expect(relay.pollers.count == 2)
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        var owners: [ObjectIdentifier?] = []
        for session in [first, second] {
            owners.append(try await session.onLoop { $0.sockets.poller.map(ObjectIdentifier.init) })
        }
        #expect(owners[0] != nil && owners[1] != nil && owners[0] != owners[1])
        for session in [first, second] {
            try await withTwoPhones { phoneA, phoneB in
                try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
                try await phoneA.send(rtpPacket(sequence: 7), to: session.aPort)
                let atB = try await phoneB.waitForPackets(1)
                #expect(atB.map(\.bytes) == [rtpPacket(sequence: 7)])
                #expect(try await session.statistics().a.rtp.packetsIn == 1)
            }
            await session.close()
        }
    }

    @Test("a poller thread that ends gives its calls back to the event loop: statistics and closes return, media flows again")
    func aStoppedPollerGivesItsCallsBack() async throws {
        let relay = try makeRelay()
        let poller = try #require(relay.pollers.first)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
            _ = try await phoneB.waitForPackets(1)

            poller.failForTesting()
            try await eventually("the poller thread ended") { !poller.isRunning }
            let allReturned = try await finishes(within: .seconds(20)) {
                // The statistics bring the packets back to the loop; B's SDP address, given while
                // the poller forwarded, came along (A's latch ended with the thread).
                _ = try await session.statistics()
                try await phoneA.send(rtpPacket(sequence: 2), to: session.aPort)
                let atB = try await phoneB.waitForPackets(2)
                #expect(atB.last?.bytes == rtpPacket(sequence: 2))
                try await phoneB.send(rtpPacket(sequence: 3), to: session.bPort)
                let atA = try await phoneA.waitForPackets(1)
                #expect(atA.map(\.bytes) == [rtpPacket(sequence: 3)])
                await session.close()

                // A new call forwards on the loop from the start.
                let next = try await relay.makeSession(bindHost: "127.0.0.1")
                try await next.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
                try await phoneA.send(rtpPacket(sequence: 4), to: next.aPort)
                try await eventually { phoneB.received.count == 3 }
                #expect(phoneB.received.last?.bytes == rtpPacket(sequence: 4))
                #expect(try await next.statistics().a.rtp.packetsIn == 1)
                await next.close()
            }
            #expect(allReturned, "a statistics call or a close waited for the ended poller thread")
        }
    }

    @Test("a call on a poller thread that ends is not timed out while its media flows, and is after it stops")
    func aStoppedPollersCallsStillTimeOutOnlyWhenSilent() async throws {
        let timeout = Duration.milliseconds(1_500)
        for attempt in 1...RelaySessionTimeoutTests.attempts {
            let relay = try makeRelay(timeout: .milliseconds(1_500))
            let poller = try #require(relay.pollers.first)
            let counter = TimeoutCounter()
            // The timeout counts from the session's creation; the gaps between packets are
            // measured from then, the hand-over to the loop (between the first and the second
            // packet) included. A machine too loaded to keep them under half the timeout
            // breaks the test's premise: that run is repeated (see RelaySessionTimeoutTests).
            var lastSent = ContinuousClock.now
            var longestGap = Duration.zero
            let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
            let phoneA = try await UDPPhone.bind()
            let phoneB = try await UDPPhone.bind()
            // Both phones send: each side is timed on its own silence.
            func send(_ sequence: Int) async throws {
                try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort)
                try await phoneB.send(rtpPacket(sequence: UInt16(sequence)), to: session.bPort)
                let now = ContinuousClock.now
                longestGap = max(longestGap, now - lastSent)
                lastSent = now
            }
            try await send(0)
            try await eventually { try await session.statistics().a.rtp.packetsIn == 1 }
            poller.failForTesting()
            try await eventually("the poller thread ended") { !poller.isRunning }
            // More than two timeouts of packets every 50 ms: only the loop reading them again
            // (from the first inactivity check after the poller ended) keeps the call alive.
            for sequence in 1..<70 {
                try await send(sequence)
                try await Task.sleep(for: .milliseconds(50))
            }
            let premiseBroken = counter.value > 0 && longestGap >= timeout / 2
            let gap = longestGap
            let allReturned = try await finishes(within: .seconds(30)) {
                if premiseBroken && attempt < RelaySessionTimeoutTests.attempts { return await session.close() }
                #expect(counter.value == 0, "fired while packets came at most \(gap) apart")
                #expect(try await session.statistics().a.rtp.packetsIn > 40)
                try await eventually(timeout: .seconds(4), "timeout fired after media stopped") { counter.value == 1 }
                await session.close()
            }
            #expect(allReturned, "a statistics call or a close waited for the ended poller thread")
            await phoneA.close()
            await phoneB.close()
            if !premiseBroken { return }
        }
    }

    @Test(
        "IPv6 media through the poller: latched, forwarded both ways, a foreign source dropped, and back after music",
        .enabled(if: loopbackIPv6Works(), "this machine cannot bind ::1")
    )
    func ipv6MediaThroughThePoller() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "::1")
        let phoneA = try await UDPPhone.bind(host: "::1")
        let phoneB = try await UDPPhone.bind(host: "::1")
        let intruder = try await UDPPhone.bind(host: "::1")
        try await session.setExpectedRemote(side: .b, host: "::1", port: phoneB.port)
        try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
        let atB = try await phoneB.waitForPackets(1)
        #expect(atB.map(\.bytes) == [rtpPacket(sequence: 1)])
        #expect(atB.first?.remoteAddress.port == session.bPort)
        try await phoneB.send(rtpPacket(sequence: 2), to: session.bPort)
        let atA = try await phoneA.waitForPackets(1)
        #expect(atA.map(\.bytes) == [rtpPacket(sequence: 2)])
        // The latch compares IPv6 addresses and ports: same address, other port, is foreign.
        try await intruder.send(rtpPacket(sequence: 666), to: session.aPort)
        try await eventually { try await session.statistics().a.rtp.droppedForeignSource == 1 }
        // To the loop for music and back: the IPv6 latch survives both hand-offs.
        session.play(self.music, toward: .b)
        try await eventually { try await session.statistics().b.isPlaying }
        session.stopPlaying(toward: .b)
        try await eventually { try await !session.statistics().b.isPlaying }
        try await self.expectOnlyAForwarded(3, intruder: 667, session: session, phoneA: phoneA, phoneB: phoneB, intruderPhone: intruder)
        // The intruder's packet may still wait in A's socket when A's has reached B: the poller
        // reads one datagram per socket per turn, and answers commands before reading.
        try await eventually { try await session.statistics().a.rtp.droppedForeignSource == 2 }
        let statistics = try await session.statistics()
        #expect(statistics.a.rtp.droppedForeignSource == 2)
        #expect(statistics.a.isLatched && statistics.a.rtpRemote?.port == phoneA.port)
        #expect(intruder.received.isEmpty)
        await session.close()
        for phone in [phoneA, phoneB, intruder] { await phone.close() }
    }

    /// A sends packet `sequence` and the intruder one right behind it to A's port: only A's
    /// reaches B. Counted from when B's datagrams settled: music sent just before it stopped
    /// may still be on its way.
    private func expectOnlyAForwarded(
        _ sequence: UInt16, intruder intruderSequence: UInt16, session: RelaySession,
        phoneA: UDPPhone, phoneB: UDPPhone, intruderPhone: UDPPhone
    ) async throws {
        let before = try await phoneB.settledCount()
        try await phoneA.send(rtpPacket(sequence: sequence), to: session.aPort)
        try await intruderPhone.send(rtpPacket(sequence: intruderSequence), to: session.aPort)
        try await eventually { phoneB.received.count == before + 1 }
        #expect(phoneB.received.last?.bytes == rtpPacket(sequence: sequence))
    }
}

/// Whether a UDP socket binds on ::1 here (containers often run without IPv6).
func loopbackIPv6Works() -> Bool {
    let descriptor = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
        }
    }
}
