import NIOCore
import Testing

@testable import VPBXNetwork

@Suite("RelaySession latching")
struct RelaySessionLatchingTests {
    @Test func latchesToTheSourceOfTheFirstPacketNotTheSDPAddress() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let natA = try await UDPPhone.bind()  // where A really sends from
        let sdpA = try await UDPPhone.bind()  // what A's SDP claims (its private address)
        let phoneB = try await UDPPhone.bind()
        defer {
            Task {
                await natA.close()
                await sdpA.close()
                await phoneB.close()
            }
        }
        try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: sdpA.port)
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)

        try await natA.send(rtpPacket(sequence: 1), to: session.aPort)
        _ = try await phoneB.waitForPackets(1)
        try await phoneB.send(rtpPacket(sequence: 2), to: session.bPort)
        let atA = try await natA.waitForPackets(1)
        #expect(atA.map(\.bytes) == [rtpPacket(sequence: 2)])
        #expect(sdpA.received.isEmpty)
        await session.close()
    }

    @Test func dropsAThirdPartyAfterLatchingUntilRelatchIsAllowed() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneA = try await UDPPhone.bind()
        let intruder = try await UDPPhone.bind()
        let phoneB = try await UDPPhone.bind()
        defer {
            Task {
                await phoneA.close()
                await intruder.close()
                await phoneB.close()
            }
        }
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)

        try await phoneA.send(rtpPacket(sequence: 1), to: session.aPort)
        _ = try await phoneB.waitForPackets(1)
        try await intruder.send(rtpPacket(sequence: 666), to: session.aPort)
        try await intruder.send(rtpPacket(sequence: 667), to: session.aPort)
        try await eventually("intruder drops counted") {
            try await session.statistics().a.rtp.droppedForeignSource == 2
        }
        // The legitimate phone still gets through, and replies still go to it.
        try await phoneA.send(rtpPacket(sequence: 2), to: session.aPort)
        try await phoneB.send(rtpPacket(sequence: 3), to: session.bPort)
        let atB = try await phoneB.waitForPackets(2)
        _ = try await phoneA.waitForPackets(1)
        #expect(atB.map(\.bytes) == [rtpPacket(sequence: 1), rtpPacket(sequence: 2)])
        #expect(intruder.received.isEmpty)

        // After a re-INVITE the B2BUA allows re-latching: the next source wins.
        try await session.relatch(side: .a)
        try await intruder.send(rtpPacket(sequence: 668), to: session.aPort)
        _ = try await phoneB.waitForPackets(3)
        try await phoneB.send(rtpPacket(sequence: 4), to: session.bPort)
        let atMoved = try await intruder.waitForPackets(1)
        #expect(atMoved.map(\.bytes) == [rtpPacket(sequence: 4)])
        #expect(try await session.statistics().a.rtpRemote?.port == intruder.port)
        await session.close()
    }
}
