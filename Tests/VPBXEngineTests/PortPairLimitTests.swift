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
}
