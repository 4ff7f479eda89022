import Foundation
import NIOCore
import Testing
import VPBXRTP

@testable import VPBXNetwork

/// Phones in different G.711 laws (``RelayVoiceTranslation``): voice converted byte by byte
/// with its payload type rewritten, events renumbered, everything else untouched.
@Suite("RelaySession G.711 translation")
struct RelayVoiceTranslationTests {
    /// An RTP packet with payload type `payloadType` and `payload`.
    static func packet(payloadType: UInt8, sequence: UInt16, marker: Bool = false, payload: [UInt8]) -> [UInt8] {
        var bytes = rtpPacket(sequence: sequence, payloadSize: 0)
        bytes[1] = (marker ? 0x80 : 0) | payloadType
        return bytes + payload
    }

    /// A 1 kHz sine, 20 ms at 8 kHz, in `law`.
    static func tone(_ law: G711.Law) -> [UInt8] {
        (0..<160).map { (index: Int) -> UInt8 in
            let phase: Double = 2 * Double.pi * 1000 * Double(index) / 8000
            return law.encode(Int16(8000 * sin(phase)))
        }
    }

    /// With the poller (how plain calls are forwarded) and without (the event loop's
    /// handlers, as while music plays or a relay runs without poller threads).
    @Test(arguments: [1, 0])
    func convertsVoiceBothWaysRenumbersEventsAndPassesTheRest(pollerThreads: Int) async throws {
        let relay = try makeRelay(pollerThreads: pollerThreads)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            // A speaks A-law (8, events 101), B µ-law (0, events 96).
            session.translateVoice(
                fromA: RelayVoiceTranslation(voiceIn: 8, voiceOut: 0, law: .alaw, eventsIn: 101, eventsOut: 96),
                fromB: RelayVoiceTranslation(voiceIn: 0, voiceOut: 8, law: .ulaw, eventsIn: 96, eventsOut: 101))
            // In effect once the loop (and the poller, by command) has it: statistics answers
            // after both, in order.
            _ = try await session.statistics()

            let fromB = Self.packet(payloadType: 0, sequence: 1, marker: true, payload: Self.tone(.ulaw))
            try await phoneB.send(fromB, to: session.bPort)
            let atA = try #require(try await phoneA.waitForPackets(1).first?.bytes)
            #expect(atA[1] == 0x80 | 8, "marker kept, payload type A-law")
            #expect(Array(atA[..<1]) + Array(atA[2..<12]) == Array(fromB[..<1]) + Array(fromB[2..<12]), "rest of the header as sent")
            // Each byte the A-law code of the same sample (G.711's own round trip decides).
            let expected = Self.tone(.ulaw).map { G711.Law.alaw.encode(G711.Law.ulaw.decode($0)) }
            #expect(Array(atA[12...]) == expected)
            let decoded = atA[12...].map { G711.Law.alaw.decode($0) }
            let original = Self.tone(.ulaw).map { G711.Law.ulaw.decode($0) }
            #expect(zip(decoded, original).allSatisfy { abs(Int($0) - Int($1)) <= 256 }, "the same sound, within a quantization step")

            let fromA = Self.packet(payloadType: 8, sequence: 2, payload: Self.tone(.alaw))
            try await phoneA.send(fromA, to: session.aPort)
            let atB = try #require(try await phoneB.waitForPackets(1).first?.bytes)
            #expect(atB[1] == 0)
            #expect(Array(atB[12...]) == Self.tone(.alaw).map { G711.Law.ulaw.encode(G711.Law.alaw.decode($0)) })

            // An RFC 4733 event: renumbered, its payload untouched. Comfort noise: as sent.
            let event = Self.packet(payloadType: 101, sequence: 3, payload: [5, 0x8A, 0x03, 0x20])
            let noise = Self.packet(payloadType: 13, sequence: 4, payload: [40])
            try await phoneA.send(event, to: session.aPort)
            try await phoneA.send(noise, to: session.aPort)
            let more = try await phoneB.waitForPackets(3).dropFirst().map(\.bytes)
            #expect(more.contains { $0[1] == 96 && Array($0[12...]) == [5, 0x8A, 0x03, 0x20] })
            #expect(more.contains { $0 == noise })

            // Translation off: packets pass byte for byte again.
            session.translateVoice(fromA: nil, fromB: nil)
            _ = try await session.statistics()
            let plain = Self.packet(payloadType: 8, sequence: 5, payload: Self.tone(.alaw))
            try await phoneA.send(plain, to: session.aPort)
            #expect(try await phoneB.waitForPackets(4).last?.bytes == plain)
            let statistics = try await session.statistics()
            #expect(statistics.a.rtp.packetsIn == 4 && statistics.b.rtp.packetsOut == 4)
            await session.close()
        }
    }
}
