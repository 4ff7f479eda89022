import Testing

@testable import VPBXEngine

/// RTP port pairs the engine allows under its descriptor limit.
@Suite struct PortPairLimitTests {
    @Test func pairsLeaveAQuarterAtMostAThousandDescriptorsForEverythingElse() {
        #expect(Engine.portPairs(allowedBy: 20000) == 9488)
        #expect(Engine.portPairs(allowedBy: 1_048_576) == 523_776)
        #expect(Engine.portPairs(allowedBy: 1024) == 384)  // a small limit keeps a quarter
        #expect(Engine.portPairs(allowedBy: 20) == 16)  // a tiny one still allows a few calls
        #expect(Engine.portPairs(allowedBy: UInt64.max) > 10_000)
    }

    @Test func everySessionOfTheRangeOrTheDescriptorLimitMayStayParked() {
        // The default range, 10000-20000: 5,000 pairs, 2,500 calls' socket sets.
        #expect(Engine.parkedSocketSets(rtpPorts: 10_001, allowedBy: 1_048_576) == 2500)
        // 4,096 descriptors allow 1,536 pairs: 768 sets.
        #expect(Engine.parkedSocketSets(rtpPorts: 10_001, allowedBy: 4096) == 768)
        // A range of one call's two pairs parks that call's set.
        #expect(Engine.parkedSocketSets(rtpPorts: 4, allowedBy: 20000) == 1)
    }
}
