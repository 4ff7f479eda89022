import NIOCore
import Testing

@testable import VPBXNetwork

@Suite("RelaySession forwarding")
struct RelaySessionForwardingTests {
    @Test func forwardsRTPBothWaysByteIdentical() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)

            let fromA = (0..<5).map { rtpPacket(sequence: UInt16($0)) }
            for packet in fromA { try await phoneA.send(packet, to: session.aPort) }
            let atB = try await phoneB.waitForPackets(5)
            #expect(Set(atB.map(\.bytes)) == Set(fromA))
            #expect(atB.allSatisfy { $0.remoteAddress.port == session.bPort })

            // A latched on its first packet, so B's answer finds it without any SDP for A.
            let fromB = rtpPacket(sequence: 900, payloadSize: 172)
            try await phoneB.send(fromB, to: session.bPort)
            let atA = try await phoneA.waitForPackets(1)
            #expect(atA.map(\.bytes) == [fromB])
            #expect(atA.first?.remoteAddress.port == session.aPort)
            await session.close()
        }
    }

    @Test func forwardsABurstOfFullSizePacketsWhole() async throws {
        // A burst fills several vector reads; each slot must hold a whole MTU-sized datagram.
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)

            let burst = (0..<40).map { rtpPacket(sequence: UInt16($0), payloadSize: 1388) }
            for packet in burst { try await phoneA.send(packet, to: session.aPort) }
            let atB = try await phoneB.waitForPackets(40)
            #expect(atB.map(\.bytes) == burst)
            await session.close()
        }
    }

    @Test func relaysRTCPBetweenTheRTCPPorts() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let rtcpA = try await UDPPhone.bind()
        let rtcpB = try await UDPPhone.bind()
        let rtpB = try await UDPPhone.bind()
        defer {
            Task {
                await rtcpA.close()
                await rtcpB.close()
                await rtpB.close()
            }
        }
        // SDP gives B's RTP port; RTCP goes where a=rtcp says.
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: rtpB.port, rtcpPort: rtcpB.port)

        let report: [UInt8] = [0x81, 200, 0x00, 0x06] + [UInt8](repeating: 7, count: 24)
        try await rtcpA.send(report, to: session.aPort + 1)
        let atB = try await rtcpB.waitForPackets(1)
        #expect(atB.map(\.bytes) == [report])
        #expect(atB.first?.remoteAddress.port == session.bPort + 1)
        #expect(rtpB.received.isEmpty)

        try await rtcpB.send(report.reversed(), to: session.bPort + 1)
        let atA = try await rtcpA.waitForPackets(1)
        #expect(atA.map(\.bytes) == [report.reversed()])

        let stats = try await session.statistics()
        #expect(stats.a.rtcp.packetsIn == 1 && stats.a.rtcp.packetsOut == 1)
        #expect(stats.b.rtcp.packetsIn == 1 && stats.b.rtcp.packetsOut == 1)
        #expect(stats.a.rtp.packetsIn == 0 && stats.a.lastRTPReceived == nil)
        await session.close()
    }

    @Test func countsPacketsBytesAndDropsForAnUnknownRemote() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        try await withTwoPhones { phoneA, phoneB in

            // B's address is not known yet: A's packets are counted and dropped.
            for sequence in 0..<3 { try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort) }
            try await eventually("3 drops counted") { try await session.statistics().b.rtp.droppedNoRemote == 3 }

            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            for sequence in 3..<7 { try await phoneA.send(rtpPacket(sequence: UInt16(sequence)), to: session.aPort) }
            _ = try await phoneB.waitForPackets(4)

            let stats = try await session.statistics()
            #expect(stats.a.rtp.packetsIn == 7)
            #expect(stats.a.rtp.bytesIn == 7 * 172)
            #expect(stats.b.rtp.packetsOut == 4)
            #expect(stats.b.rtp.bytesOut == 4 * 172)
            #expect(stats.b.rtp.droppedNoRemote == 3)
            #expect(stats.b.rtp.dropped == 3)
            #expect(stats.a.isLatched && stats.a.rtpRemote?.port == phoneA.port)
            #expect(!stats.b.isLatched && stats.b.rtpRemote?.port == phoneB.port)
            #expect(stats.a.lastRTPReceived != nil && stats.b.lastRTPReceived == nil)
            await session.close()
            // Final figures stay readable after close, for the CDR.
            #expect(try await session.statistics() == stats)
        }
    }

    @Test func rejectsANonNumericMediaAddress() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let error = await #expect(throws: RTPRelayError.self) {
            try await session.setExpectedRemote(side: .a, host: "phone.example", port: 4000)
        }
        #expect(error?.code == .invalidAddress)
        await session.close()
    }

    @Test func aMediaPortAtTheTopOfTheRangeIsRefusedNotATrap() async throws {
        // m=audio 65535 puts RTCP on 65536, which no socket address can hold.
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let error = await #expect(throws: RTPRelayError.self) {
            try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: 65_535)
        }
        #expect(error?.code == .invalidAddress)
        // The form that does not wait ignores it, and the session keeps working.
        session.updateExpectedRemote(side: .b, host: "127.0.0.1", port: 65_535)
        #expect(try await session.statistics().b.rtpRemote == nil)
        await session.close()
        #expect(RelaySession.expectedAddresses(host: "127.0.0.1", port: 65_535) == nil)
        #expect(RelaySession.expectedAddresses(host: "127.0.0.1", port: 65_535, rtcpPort: 65_534) != nil)
    }
}
