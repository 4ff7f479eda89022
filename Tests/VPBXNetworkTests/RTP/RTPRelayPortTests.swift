import NIOCore
import Testing

@testable import VPBXNetwork

@Suite("RTPRelay ports")
struct RTPRelayPortTests {
    @Test func sessionUsesTwoDistinctEvenPairsFromThePool() async throws {
        let relay = try makeRelay(pairs: 4)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(session.aPort % 2 == 0 && session.bPort % 2 == 0)
        #expect(session.aPort != session.bPort)
        #expect(session.port(for: .b) == session.bPort)
        #expect(relay.pool.isInUse(session.aPort) && relay.pool.isInUse(session.bPort))
        await session.close()
    }

    @Test func closeReleasesThePortsAndIsIdempotent() async throws {
        let relay = try makeRelay(pairs: 2)
        let first = try await relay.makeSession(bindHost: "127.0.0.1")
        async let closeOnce: Void = first.close()
        async let closeTwice: Void = first.close()
        _ = await (closeOnce, closeTwice)
        await first.close()
        #expect(relay.pool.inUseCount == 0)
        // The sockets are really gone: the same two pairs bind again.
        let second = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(Set([second.aPort, second.bPort]) == Set([first.aPort, first.bPort]))
        await second.close()
    }

    @Test func exhaustedPoolThrowsAClearError() async throws {
        let relay = try makeRelay(pairs: 3)
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let error = await #expect(throws: RTPRelayError.self) {
            _ = try await relay.makeSession(bindHost: "127.0.0.1")
        }
        #expect(error?.code == .portsExhausted)
        // The half-made session (one pair bound) gave its pair back.
        #expect(relay.pool.inUseCount == 2)
        await session.close()
        let again = try await relay.makeSession(bindHost: "127.0.0.1")
        await again.close()
    }

    @Test func skipsPortsAnotherProcessHolds() async throws {
        let relay = try makeRelay(pairs: 4)
        let first = relay.pool.firstPort
        // Something else holds the first pair's RTP port and the second pair's RTCP port.
        let squatterRTP = try await UDPPhone.bind(port: first)
        let squatterRTCP = try await UDPPhone.bind(port: first + 3)
        defer {
            Task {
                await squatterRTP.close()
                await squatterRTCP.close()
            }
        }

        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        #expect(Set([session.aPort, session.bPort]) == Set([first + 4, first + 6]))
        #expect(!relay.pool.isInUse(first) && !relay.pool.isInUse(first + 2))
        let error = await #expect(throws: RTPRelayError.self) {
            _ = try await relay.makeSession(bindHost: "127.0.0.1")
        }
        #expect(error?.code == .portsExhausted)
        await session.close()
    }

    @Test func aBindErrorOtherThanBusyIsReportedAndLeavesNothingReserved() async throws {
        let relay = try makeRelay(pairs: 4)
        // 192.0.2.1 (TEST-NET-1) is not a local address: bind fails with EADDRNOTAVAIL.
        await #expect(throws: (any Error).self) {
            _ = try await relay.makeSession(bindHost: "192.0.2.1")
        }
        #expect(relay.pool.inUseCount == 0)
    }
}
