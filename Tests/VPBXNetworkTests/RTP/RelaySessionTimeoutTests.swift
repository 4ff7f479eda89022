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
        try await eventually(timeout: .seconds(10), "timeout fired") { counter.value == 1 }
        try await Task.sleep(for: .milliseconds(400))
        #expect(counter.value == 1)
        await session.close()
    }

    /// Who sends in ``doesNotFireWhileRTPFlowsAndFiresAfterItStops(_:)``.
    enum Flow: String, CaseIterable, CustomTestStringConvertible {
        /// Both phones, both watched (a bridged call).
        case bothSides
        /// Side A alone, side B not watched (a caller talking to one of the engine's
        /// applications, or to a phone that said `recvonly`).
        case sideAWithBUnwatched
        /// Side A's RTP, and side B's RTCP alone: a phone that suppresses silence without
        /// comfort noise is still there.
        case sideAWithRTCPFromB

        var testDescription: String { self.rawValue }
    }

    @Test(arguments: Flow.allCases)
    func doesNotFireWhileRTPFlowsAndFiresAfterItStops(_ flow: Flow) async throws {
        // A wider timeout than the other tests: the sender sleeps between packets. On a loaded
        // machine (`swift test` runs a thousand tests at once on two cores) a 50 ms sleep can
        // still stretch past it; such a run proves nothing either way and is repeated.
        let timeout = Duration.milliseconds(1_500)
        let relay = try makeRelay(timeout: .milliseconds(1_500))
        for attempt in 1...Self.attempts {
            let counter = TimeoutCounter()
            // The timeout counts from the session's creation, so the first gap is from before
            // it: a slow bind of the test's phones is silence to the relay as much as a slow send.
            var lastSent = ContinuousClock.now
            let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
            if flow == .sideAWithBUnwatched { session.updateTimeoutWatchedSides(a: true, b: false) }
            let phoneA = try await UDPPhone.bind()
            let phoneB = try await UDPPhone.bind()
            // 3.5 s of packets every 50 ms: more than two timeout periods, so only flowing
            // media keeps the session alive. Packets to a side without a remote still count.
            var longestGap = Duration.zero
            for sequence in 0..<70 {
                try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort)
                switch flow {
                case .bothSides: try await phoneB.send(rtpPacket(sequence: UInt16(sequence)), to: session.bPort)
                case .sideAWithRTCPFromB: if sequence % 4 == 0 { try await phoneB.send(Self.rtcpReceiverReport, to: session.bPort + 1) }
                case .sideAWithBUnwatched: break
                }
                let now = ContinuousClock.now
                longestGap = max(longestGap, now - lastSent)
                lastSent = now
                try await Task.sleep(for: .milliseconds(50))
            }
            await phoneA.close()
            await phoneB.close()
            if counter.value > 0 && longestGap >= timeout / 2 && attempt < Self.attempts {
                await session.close()  // the sender itself stalled: try again
                continue
            }
            #expect(counter.value == 0, "fired while packets came at most \(longestGap) apart")
            try await eventually(timeout: .seconds(10), "timeout fired after media stopped") { counter.value == 1 }
            await session.close()
            return
        }
    }

    @Test func suspendedTimeoutDoesNotFireAndResumingRestartsIt() async throws {
        let timeout = Duration.milliseconds(1_000)
        let relay = try makeRelay(timeout: .milliseconds(1_000))
        let (session, counter) = try await promptly(relay, timeout: timeout) { try await $0.setTimeoutSuspended(true) }
        try await Task.sleep(for: timeout * 1.5)
        #expect(counter.value == 0)
        try await session.setTimeoutSuspended(false)
        try await eventually(timeout: .seconds(10), "timeout fired after resume") { counter.value == 1 }
        await session.close()
    }

    @Test func aSessionMadeSuspendedWaitsForTheResumeInCallOrder() async throws {
        // A ringing call's session: silent for longer than its timeout, and not ended.
        let timeout = Duration.milliseconds(300)
        let relay = try makeRelay(timeout: .milliseconds(300))
        let counter = TimeoutCounter()
        let session = try await relay.makeSession(bindHost: "127.0.0.1", timeoutSuspended: true, onTimeout: counter.callback)
        try await Task.sleep(for: timeout * 4)
        #expect(counter.value == 0)
        // Hold and resume given in a row without waiting apply in that order: the last
        // (resumed) leaves the timeout running.
        session.updateTimeoutSuspended(false)
        session.updateTimeoutSuspended(true)
        session.updateTimeoutSuspended(false)
        try await eventually(timeout: .seconds(10), "timeout fired after the answer") { counter.value == 1 }
        await session.close()
    }

    /// Who stays silent in ``aSideThatSendsDoesNotKeepASilentOneAlive(_:)``.
    enum Silence: String, CaseIterable, CustomTestStringConvertible {
        /// Side A's phone vanished while side B's talks on (both watched: a bridged call).
        case sideAOfABridgedCall
        /// The same with side B's phone gone.
        case sideBOfABridgedCall
        /// A caller gone silent while one of the engine's applications (side B, not watched)
        /// plays on.
        case callerOfAnApplication

        var testDescription: String { self.rawValue }
        var silentSide: RelaySide { self == .sideBOfABridgedCall ? .b : .a }
    }

    @Test(arguments: Silence.allCases)
    func aSideThatSendsDoesNotKeepASilentOneAlive(_ silence: Silence) async throws {
        let relay = try makeRelay(timeout: .milliseconds(1_000))
        for attempt in 1...Self.attempts {
            let counter = TimeoutCounter()
            let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
            if silence == .callerOfAnApplication { session.updateTimeoutWatchedSides(a: true, b: false) }
            let talker = try await UDPPhone.bind()
            let talking = silence.silentSide.opposite
            let port = talking == .a ? session.aPort : session.bPort
            // The other side's packets every 50 ms for up to 5 s, five timeouts' worth: if
            // they counted for the silent side, they would keep the session alive throughout
            // (as in the test above).
            var sentBeforeTheTimeout = 0
            for sequence in 0..<100 where counter.value == 0 {
                try await talker.send(rtpPacket(sequence: UInt16(sequence)), to: port)
                sentBeforeTheTimeout += 1
                try await Task.sleep(for: .milliseconds(50))
            }
            let arrived = try await session.statistics()[talking].rtp.packetsIn
            await talker.close()
            await session.close()
            // A machine so loaded that the timeout ran out before the talker's packets came
            // proves nothing: that run is repeated.
            if arrived < 2 && attempt < Self.attempts { continue }
            #expect(counter.value == 1, "the timeout fired while only side \(talking) sent")
            #expect(arrived >= 2, "side \(talking)'s packets reached the relay: \(arrived) of \(sentBeforeTheTimeout)")
            return
        }
    }

    @Test func closingStopsTheTimeout() async throws {
        let timeout = Duration.milliseconds(1_000)
        let relay = try makeRelay(timeout: .milliseconds(1_000))
        let (_, counter) = try await promptly(relay, timeout: timeout) { await $0.close() }
        try await Task.sleep(for: timeout * 1.5)
        #expect(counter.value == 0)
    }

    /// A new session with its own counter, and `act` done to it at once (the timeout is armed
    /// when the session is made). When the machine delayed that past half the timeout, the
    /// run would prove nothing: the session is closed and made again, up to ``attempts``
    /// times (the last one counts whatever happened).
    private func promptly(
        _ relay: RTPRelay, timeout: Duration, _ act: (RelaySession) async throws -> Void
    ) async throws -> (RelaySession, TimeoutCounter) {
        var attempt = 1
        while true {
            let counter = TimeoutCounter()
            let started = ContinuousClock.now
            let session = try await relay.makeSession(bindHost: "127.0.0.1", onTimeout: counter.callback)
            try await act(session)
            if ContinuousClock.now - started < timeout / 2 || attempt == Self.attempts { return (session, counter) }
            await session.close()
            attempt += 1
        }
    }

    /// An RTCP receiver report with no report blocks (RFC 3550 §6.4.2).
    static let rtcpReceiverReport: [UInt8] = [0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78]

    /// How often a test whose premise the machine's load broke (a sleep or a close that took
    /// far longer than asked) is run again before its result counts anyway.
    static let attempts = 3
}
