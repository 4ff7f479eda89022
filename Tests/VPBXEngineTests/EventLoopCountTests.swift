import Testing

@testable import VPBXEngine

/// How many SwiftNIO event loops the engine runs for the machine's cores.
@Suite struct EventLoopCountTests {
    @Test func theLoopsLeaveTheCoreThreadACoreOfItsOwn() {
        #expect(Engine.eventLoopCount(cores: 2) == 1)
        #expect(Engine.eventLoopCount(cores: 4) == 3)
        #expect(Engine.eventLoopCount(cores: 16) == 15)
    }

    @Test func aSingleCoreStillGetsOneLoop() {
        #expect(Engine.eventLoopCount(cores: 1) == 1)
        #expect(Engine.eventLoopCount(cores: 0) == 1)
    }
}
