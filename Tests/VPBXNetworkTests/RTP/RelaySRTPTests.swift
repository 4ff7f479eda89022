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
        "side A's SRTP reaches B decrypted, B's plain RTP and RTCP reach A encrypted under the engine's key; forgeries are dropped and counted",
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
