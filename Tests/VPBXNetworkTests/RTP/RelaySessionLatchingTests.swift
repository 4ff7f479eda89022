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

    /// A transfer: the target answers while the transferor still sends. Relatched away from
    /// the transferor, the side latches to the target however the packets interleave, on the
    /// poller (1) and on the event loop's handlers (0).
    @Test(arguments: [1, 0])
    func relatchedAwayTheLeavingPhoneCannotTakeTheLatch(pollerThreads: Int) async throws {
        let relay = try makeRelay(pollerThreads: pollerThreads)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneA = try await UDPPhone.bind()
        let transferor = try await UDPPhone.bind()
        let target = try await UDPPhone.bind()
        defer {
            Task {
                await phoneA.close()
                await transferor.close()
                await target.close()
            }
        }
        try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
        try await transferor.send(rtpPacket(sequence: 1), to: session.bPort)
        _ = try await phoneA.waitForPackets(1)

        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: target.port)
        try await session.relatch(side: .b, awayFromCurrent: true)
        try await transferor.send(rtpPacket(sequence: 2), to: session.bPort)
        try await eventually("the transferor's late packet dropped") {
            try await session.statistics().b.rtp.droppedForeignSource == 1
        }
        try await target.send(rtpPacket(sequence: 3), to: session.bPort)
        let atA = try await phoneA.waitForPackets(2)
        #expect(atA.map(\.bytes) == [rtpPacket(sequence: 1), rtpPacket(sequence: 3)])
        try await phoneA.send(rtpPacket(sequence: 4), to: session.aPort)
        #expect(try await target.waitForPackets(1).map(\.bytes) == [rtpPacket(sequence: 4)])
        #expect(try await session.statistics().b.rtpRemote?.port == target.port)
        await session.close()
    }

    /// The phone that was latched may take the side again when it is the new SDP address
    /// (a transfer to another line of the same phone reusing its port).
    @Test(arguments: [1, 0])
    func relatchedAwayTheSamePhoneLatchesWhenItIsTheNewSDPAddress(pollerThreads: Int) async throws {
        let relay = try makeRelay(pollerThreads: pollerThreads)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let phoneA = try await UDPPhone.bind()
        let phoneB = try await UDPPhone.bind()
        defer {
            Task {
                await phoneA.close()
                await phoneB.close()
            }
        }
        try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
        try await phoneB.send(rtpPacket(sequence: 1), to: session.bPort)
        _ = try await phoneA.waitForPackets(1)
        try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
        try await session.relatch(side: .b, awayFromCurrent: true)
        try await phoneB.send(rtpPacket(sequence: 2), to: session.bPort)
        let atA = try await phoneA.waitForPackets(2)
        #expect(atA.map(\.bytes) == [rtpPacket(sequence: 1), rtpPacket(sequence: 2)])
        await session.close()
    }
}
