import NIOCore
import Testing
import VPBXRTP
import VPBXSRTP

@testable import VPBXNetwork

@Suite("Relay SRTP termination")
struct RelaySRTPTests {
    private let keys = RelaySRTPKeys(
        fromPhone: SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random()),
        toPhone: SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random()))

    @Test(
        "side A's SRTP reaches B decrypted, B's plain RTP reaches A encrypted under the engine's key; forgeries are dropped and counted",
        arguments: [0, 1])
    func terminatesOneSide(pollerThreads: Int) async throws {
        let relay = try makeRelay(pollerThreads: pollerThreads)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneSends = SRTPSender(keys.fromPhone)
        let phoneHears = SRTPReceiver(keys.toPhone)
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            session.terminateSRTP(keys, on: .a)
            // In call order: once the statistics say so, the next packet is decrypted.
            #expect(try await session.statistics().a.terminatesSRTP)

            let plainFromA = (0..<5).map { rtpPacket(sequence: UInt16(100 + $0)) }
            for packet in plainFromA {
                try await phoneA.send(
                    try #require(packet.withUnsafeBytes { phoneSends.protectRTP($0) }), to: session.aPort)
            }
            // A packet under another key, and one changed on the way: neither reaches B.
            let stranger = SRTPSender(SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random()))
            try await phoneA.send(
                try #require(rtpPacket(sequence: 200).withUnsafeBytes { stranger.protectRTP($0) }), to: session.aPort)
            var changed = try #require(rtpPacket(sequence: 201).withUnsafeBytes { phoneSends.protectRTP($0) })
            changed[30] ^= 0xFF
            try await phoneA.send(changed, to: session.aPort)
            let atB = try await phoneB.waitForPackets(5)
            #expect(atB.map(\.bytes) == plainFromA)

            let fromB = rtpPacket(sequence: 900, payloadSize: 160)
            try await phoneB.send(fromB, to: session.bPort)
            let atA = try await phoneA.waitForPackets(1)
            #expect(atA.first.map { $0.bytes.count } == fromB.count + 10)
            #expect(atA.first?.bytes != fromB)
            #expect(
                atA.first.map { packet in packet.bytes.withUnsafeBytes { phoneHears.unprotectRTP($0) } }
                    == .success(fromB))

            let stats = try await session.statistics()
            #expect(stats.a.rtp.packetsIn == 5 && stats.a.rtp.droppedUnprotectable == 2, "\(stats.a.rtp)")
            #expect(stats.b.rtp.packetsOut == 5 && stats.a.rtp.packetsOut == 1)
            await session.close()
        }
    }

    @Test(
        "the poller forwards a terminated session itself, RTCP as SRTCP; replay state survives music on the loop; new keys apply"
    )
    func forwardedByThePoller() async throws {
        let relay = try makeRelay(pollerThreads: 1)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneSends = SRTPSender(keys.fromPhone)
        let phoneHears = SRTPReceiver(keys.toPhone)
        let controlA = try await UDPPhone.bind()
        let controlB = try await UDPPhone.bind()
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            session.terminateSRTP(keys, on: .a)
            #expect(try await session.statistics().a.terminatesSRTP)
            try await eventually("the poller has the session") { try await session.onLoop { $0.owner == .poller } }

            let protected = (1...3).map { sequence in
                rtpPacket(sequence: UInt16(sequence)).withUnsafeBytes { phoneSends.protectRTP($0)! }
            }
            for packet in protected { try await phoneA.send(packet, to: session.aPort) }
            #expect(try await phoneB.waitForPackets(3).map(\.bytes) == (1...3).map { rtpPacket(sequence: UInt16($0)) })
            try await phoneB.send(rtpPacket(sequence: 50), to: session.bPort)
            let atA = try await phoneA.waitForPackets(1)
            #expect(atA.first.map { $0.bytes.withUnsafeBytes { phoneHears.unprotectRTP($0) } } == .success(rtpPacket(sequence: 50)))
            // A replayed packet is refused on the poller.
            try await phoneA.send(protected[1], to: session.aPort)
            try await eventually("the replay counted") { try await session.statistics().a.rtp.droppedUnprotectable == 1 }

            // RTCP: A's SRTCP latches its RTCP socket and reaches B plain; B's plain report
            // reaches A as SRTCP.
            let report: [UInt8] = [0x80, 201, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07]
            try await controlA.send(report.withUnsafeBytes { phoneSends.protectRTCP($0)! }, to: session.aPort + 1)
            try await controlB.send(report, to: session.bPort + 1)
            try await eventually("B's report reaches A's latched RTCP") { !controlA.received.isEmpty }
            #expect(controlA.received.first.map { $0.bytes.withUnsafeBytes { phoneHears.unprotectRTCP($0) } } == .success(report))

            // Music toward B takes the session to the loop: the same termination, its replay
            // list included, works there, and the session goes back to the poller after.
            session.play(try RelayAudioLoop(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160)), toward: .b)
            try await eventually { try await session.statistics().b.isPlaying }
            #expect(try await session.onLoop { $0.owner == .loop })
            try await phoneA.send(protected[2], to: session.aPort)
            try await eventually("the replay counted on the loop") {
                try await session.statistics().a.rtp.droppedUnprotectable == 2
            }
            session.stopPlaying(toward: .b)
            try await eventually("the poller has the session again") { try await session.onLoop { $0.owner == .poller } }
            let fourth = rtpPacket(sequence: 4)
            try await phoneA.send(fourth.withUnsafeBytes { phoneSends.protectRTP($0)! }, to: session.aPort)
            try await eventually("the fourth packet at B") { phoneB.received.contains { $0.bytes == fourth } }

            // New keys toward A (a re-INVITE): B's next packet is under them only.
            let renewed = RelaySRTPKeys(
                fromPhone: keys.fromPhone, toPhone: SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random()))
            session.terminateSRTP(renewed, on: .a)
            try await eventually("the poller has the session after the new keys") {
                try await session.onLoop { $0.owner == .poller && $0.rtpA.srtp?.keys == renewed }
            }
            let heardBefore = phoneA.received.count
            try await phoneB.send(rtpPacket(sequence: 51), to: session.bPort)
            let later = try await phoneA.waitForPackets(heardBefore + 1)
            let renewedHears = SRTPReceiver(renewed.toPhone)
            #expect(
                later.last.map { $0.bytes.withUnsafeBytes { renewedHears.unprotectRTP($0) } } == .success(rtpPacket(sequence: 51)))
            await session.close()
        }
        await controlA.close()
        await controlB.close()
    }

    @Test("music played toward an SRTP side is encrypted; stopping the termination passes packets as they are")
    func playsEncryptedAndStops() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneHears = SRTPReceiver(keys.toPhone)
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            session.terminateSRTP(keys, on: .a)
            #expect(try await session.statistics().a.terminatesSRTP)
            let audio = try RelayAudioLoop(payloadType: 8, payload: [UInt8](repeating: 0xD5, count: 160))
            session.play(audio, toward: .a)
            let played = try await phoneA.waitForPackets(3)
            session.stopPlaying(toward: .a)
            for packet in played {
                guard case .success(let plain) = packet.bytes.withUnsafeBytes({ phoneHears.unprotectRTP($0) }) else {
                    Issue.record("a played packet did not decrypt")
                    continue
                }
                #expect(plain.count == 172 && plain[12...].allSatisfy { $0 == 0xD5 } && plain[1] & 0x7F == 8)
            }

            session.terminateSRTP(nil, on: .a)
            #expect(try await session.statistics().a.terminatesSRTP == false)
            let fromB = rtpPacket(sequence: 7)
            try await phoneB.send(fromB, to: session.bPort)
            try await eventually("the plain packet at A") { phoneA.received.contains { $0.bytes == fromB } }
            await session.close()
        }
    }

    @Test(
        "a supervisor's SRTP phone: the mix it hears is encrypted under the engine's key, its keys are heard only when protected with its own"
    )
    func supervisorLeg() async throws {
        let rig = try await MonitorRig.start(mode: .listen)
        let phoneSends = SRTPSender(keys.fromPhone)
        rig.monitor.terminateSRTP(keys)
        // The mix runs from the start, plain until the keys apply: wait for an encrypted frame.
        let deadline = ContinuousClock.now + .seconds(10)
        var encryptedFrames = 0
        while encryptedFrames == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let phoneHears = SRTPReceiver(keys.toPhone)
            encryptedFrames = rig.supervisor.received.filter { packet in
                guard case .success(let plain) = packet.bytes.withUnsafeBytes({ phoneHears.unprotectRTP($0) })
                else { return false }
                return plain.count == 172 && plain[1] & 0x7F == 0
            }.count
        }
        #expect(encryptedFrames > 0, "no mix frame decrypted under the engine's key")
        func key(_ digit: DTMFDigit, timestamp: UInt32) -> [UInt8] {
            let header = RTPHeader(marker: false, payloadType: 101, sequenceNumber: UInt16(timestamp / 160), timestamp: timestamp, ssrc: 7)
            var bytes = [UInt8](repeating: 0, count: RTPHeader.fixedSize)
            _ = bytes.withUnsafeMutableBytes { header.write(into: $0) }
            return bytes + TelephoneEvent(digit: digit, isEnd: true, duration: 800).bytes
        }
        // A plain key first (dropped: the phone must encrypt), then an encrypted one.
        try await rig.supervisor.send(key(.six, timestamp: 8000), to: rig.monitor.port)
        try await rig.supervisor.send(
            try #require(key(.five, timestamp: 9600).withUnsafeBytes { phoneSends.protectRTP($0) }), to: rig.monitor.port)
        try await eventually("the encrypted key heard") { rig.digits.value.count == 1 }
        try await Task.sleep(for: .milliseconds(50))
        #expect(rig.digits.value == ["5"])
        await rig.stop()
    }
}
