import Testing

@testable import VPBXEngine

/// RTP port pairs the engine allows under its descriptor limit.
@Suite struct PortPairLimitTests {
    @Test func pairsLeaveAThousandDescriptorsForEverythingElse() {
        #expect(Engine.portPairs(allowedBy: 20000) == 9488)
        #expect(Engine.portPairs(allowedBy: 1_048_576) == 523_776)
        #expect(Engine.portPairs(allowedBy: 1024) == 16)  // tiny limits still allow a few calls
        #expect(Engine.portPairs(allowedBy: UInt64.max) > 10_000)
    }
}
