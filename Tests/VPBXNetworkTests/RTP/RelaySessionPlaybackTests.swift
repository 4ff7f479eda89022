import NIOCore
import Testing
import VPBXRTP

@testable import VPBXNetwork

@Suite("RelaySession playback (music on hold)")
struct RelaySessionPlaybackTests {
    /// 1.5 packets of distinct bytes: the loop wraps inside the second packet.
    private let loop = try! RelayAudioLoop(payloadType: 8, payload: (0..<240).map { UInt8($0) })

    @Test("plays the loop to one side as a paced RTP stream of its own, out of that side's port")
    func playsTheLoopAsItsOwnStream() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneB = try await UDPPhone.bind()
        defer { Task { await phoneB.close() } }
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)

        let started = ContinuousClock.now
        session.play(loop, toward: .b)
        let packets = try await phoneB.waitForPackets(25)
        let elapsed = ContinuousClock.now - started
        session.stopPlaying(toward: .b)

        #expect(packets.allSatisfy { $0.remoteAddress.port == session.bPort })
        let headers = packets.map { packet in packet.bytes.withUnsafeBytes { RTPHeader(bytes: $0)! } }
        #expect(headers.allSatisfy { $0.payloadType == 8 && $0.ssrc == headers[0].ssrc })
        #expect(headers[0].marker && !headers.dropFirst().contains { $0.marker })
        for (previous, next) in zip(headers, headers.dropFirst()) {
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
            #expect(next.timestamp == previous.timestamp &+ 160)
        }
        // The payload runs through the loop and wraps around.
        #expect(Array(packets[0].bytes[12...]) == Array(0..<160).map { UInt8($0) })
        #expect(Array(packets[1].bytes[12...]) == (Array(160..<240) + Array(0..<80)).map { UInt8($0) })
        #expect(Array(packets[2].bytes[12...]) == Array(80..<240).map { UInt8($0) })
        // Paced at 20 ms: 25 packets cannot all arrive at once (the 25th is due at 480 ms).
        #expect(elapsed >= .milliseconds(400), "25 packets took \(elapsed)")
        await session.close()
    }

    @Test("while playing, the other side's media is held back; after stopPlaying it flows again")
    func holdsBackTheOtherSideWhilePlaying() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            session.play(loop, toward: .b)
            _ = try await phoneB.waitForPackets(2)

            let fromA = rtpPacket(sequence: 4242, payloadSize: 172)
            try await phoneA.send(fromA, to: session.aPort)
            try await eventually { try await session.statistics().b.rtp.droppedWhilePlaying == 1 }
            #expect(!phoneB.received.contains { $0.bytes == fromA })
            #expect(try await session.statistics().b.isPlaying)

            session.stopPlaying(toward: .b)
            try await eventually { try await !session.statistics().b.isPlaying }
            // Loop packets sent just before the stop may still be on their way.
            let countAfterStop = try await phoneB.settledCount()
            try await phoneA.send(fromA, to: session.aPort)
            try await eventually { phoneB.received.contains { $0.bytes == fromA } }
            // Nothing of the loop after the stop: only A's packet arrived.
            try await Task.sleep(for: .milliseconds(100))
            #expect(phoneB.received.count == countAfterStop + 1)
            await session.close()
        }
    }

    @Test("closing a session that plays stops the stream")
    func closeStopsPlaying() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneB = try await UDPPhone.bind()
        defer { Task { await phoneB.close() } }
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
        session.play(loop, toward: .b)
        _ = try await phoneB.waitForPackets(1)
        await session.close()
        // Packets sent before the close may still be on their way; after that, none: the
        // loop sends every 20 ms, so 200 ms without one means it stopped.
        let countAtClose = try await phoneB.settledCount()
        try await Task.sleep(for: .milliseconds(200))
        #expect(phoneB.received.count == countAtClose)
    }

    @Test("audio shorter than a packet or with a payload type above 127 is refused")
    func refusesUnplayableAudio() {
        #expect(throws: RTPRelayError.self) { try RelayAudioLoop(payloadType: 8, payload: [1, 2, 3]) }
        #expect(throws: RTPRelayError.self) { try RelayAudioLoop(payloadType: 200, payload: .init(repeating: 0, count: 160)) }
    }
}
