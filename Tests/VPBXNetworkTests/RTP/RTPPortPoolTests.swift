import Testing

@testable import VPBXNetwork

@Suite("RTPPortPool")
struct RTPPortPoolTests {
    @Test func handsOutDistinctEvenPortsWithRTCPInsideTheRange() throws {
        let pool = try RTPPortPool(range: 20001...20010)
        #expect(pool.firstPort == 20002)
        #expect(pool.lastPort == 20008)
        #expect(pool.capacity == 4)
        let ports = try (0..<4).map { _ in try pool.reserve() }
        #expect(Set(ports) == [20002, 20004, 20006, 20008])
        #expect(pool.inUseCount == 4)
    }

    @Test func throwsExhaustedWhenEveryPairIsInUse() throws {
        let pool = try RTPPortPool(range: 20000...20003)
        _ = try pool.reserve()
        _ = try pool.reserve()
        let error = #expect(throws: RTPRelayError.self) { try pool.reserve() }
        #expect(error?.code == .portsExhausted)
        #expect(error?.description.contains("20000-20003") == true)
    }

    /// Fewer pairs than the range holds when the descriptor limit says so: out of descriptors,
    /// libdispatch traps instead of a call being refused.
    @Test func aCapBelowTheRangeRefusesWithTheReason() throws {
        let pool = try RTPPortPool(range: 20000...20019, maxInUse: 3)
        #expect(pool.capacity == 10 && pool.limit == 3)
        let ports = try (0..<3).map { _ in try pool.reserve() }
        let error = #expect(throws: RTPRelayError.self) { try pool.reserve() }
        #expect(error?.code == .portsExhausted)
        #expect(error?.description.contains("file descriptor limit") == true)
        pool.release(ports[1])
        #expect(throws: Never.self) { try pool.reserve() }
        #expect(try RTPPortPool(range: 20000...20019, maxInUse: 100).limit == 10)
    }

    @Test func releasedPortsAreReusedRoundRobin() throws {
        let pool = try RTPPortPool(range: 20000...20005)
        let first = try pool.reserve()
        let second = try pool.reserve()
        pool.release(first)
        // The untouched pair comes before the one just released.
        #expect(try pool.reserve() == 20004)
        #expect(try pool.reserve() == first)
        #expect(pool.isInUse(second))
        pool.release(second)
        pool.release(second)  // releasing twice is harmless
        #expect(pool.inUseCount == 2)
    }

    @Test func aFullRangeHandsOutItsLastFreePortsInTheOrderTheyCameBack() throws {
        // The whole port space: every pair reserved, three given back in a scattered order.
        let pool = try RTPPortPool(range: 2...65535)
        let all = try (0..<pool.capacity).map { _ in try pool.reserve() }
        #expect(all.count == 32_767 && Set(all).count == all.count)
        #expect(throws: RTPRelayError.self) { try pool.reserve() }
        for port in [40_000, 2, 65_532] { pool.release(port) }
        #expect(try [pool.reserve(), pool.reserve(), pool.reserve()] == [40_000, 2, 65_532])
        #expect(throws: RTPRelayError.self) { try pool.reserve() }
        #expect(pool.inUseCount == pool.capacity)
    }

    @Test(arguments: [0...100, 20000...20000, 20001...20002, 65000...65536])
    func rejectsRangesWithoutAPair(range: ClosedRange<Int>) {
        let error = #expect(throws: RTPRelayError.self) { try RTPPortPool(range: range) }
        #expect(error?.code == .invalidPortRange)
    }
}
