import Testing

@testable import VPBXMedia

/// The room's mix: everyone hears the sum of everyone else, each frame once.
@Suite struct ConferenceMixerTests {
    static func frame(_ value: Int16) -> [Int16] { [Int16](repeating: value, count: AudioFormat.frameSamples) }

    @Test func eachHearsTheOthersAddedUpNotItself() {
        let mixer = ConferenceMixer()
        let (a, b, c) = (mixer.join(), mixer.join(), mixer.join())
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        c.deliver(Self.frame(3))
        #expect(a.nextFrame() == Self.frame(23))
        #expect(b.nextFrame() == Self.frame(103))
        #expect(c.nextFrame() == Self.frame(120))
        #expect(a.nextFrame() == Self.frame(0), "each frame is heard once")
        #expect(mixer.count == 3)
    }

    @Test func framesQueueUpToThreeThenTheOldestGoes() {
        let mixer = ConferenceMixer()
        let (a, b) = (mixer.join(), mixer.join())
        for value in [1, 2, 3, 4] as [Int16] { a.deliver(Self.frame(value)) }
        #expect([b.nextFrame(), b.nextFrame(), b.nextFrame(), b.nextFrame()] == [2, 3, 4, 0].map(Self.frame))
    }

    @Test func mutedIsHeardByNobodyAndLeavingDropsWhatWasQueued() {
        let mixer = ConferenceMixer()
        let (a, b, c) = (mixer.join(), mixer.join(), mixer.join())
        a.setMuted(true)
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        #expect(c.nextFrame() == Self.frame(20))
        #expect(a.nextFrame() == Self.frame(20), "a muted participant still hears")
        a.setMuted(false)
        a.deliver(Self.frame(100))
        a.leave()
        #expect(c.nextFrame() == Self.frame(0))
        #expect(mixer.count == 2)
    }

    @Test func loudVoicesAreClippedNotWrapped() {
        let mixer = ConferenceMixer()
        let (a, b, c) = (mixer.join(), mixer.join(), mixer.join())
        a.deliver(Self.frame(30_000))
        b.deliver(Self.frame(30_000))
        #expect(c.nextFrame() == Self.frame(Int16.max))
        a.deliver(Self.frame(-30_000))
        b.deliver(Self.frame(-30_000))
        #expect(c.nextFrame() == Self.frame(Int16.min))
    }
}
