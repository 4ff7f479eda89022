import Testing

@testable import VPBXMedia

/// The room's mix: everyone hears the sum of everyone else, each frame once.
@Suite struct ConferenceMixerTests {
    static func frame(_ value: Int16) -> [Int16] { [Int16](repeating: value, count: AudioFormat.frameSamples) }

    /// Joins three and lets the join cues play out.
    static func room() -> (ConferenceMixer, ConferencePort, ConferencePort, ConferencePort) {
        let mixer = ConferenceMixer()
        let (a, b, c) = (mixer.join(), mixer.join(), mixer.join())
        for port in [a, b, c] { for _ in 0..<12 { _ = port.nextFrame() } }
        return (mixer, a, b, c)
    }

    @Test func eachHearsTheOthersAddedUpNotItself() {
        let (mixer, a, b, c) = Self.room()
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        c.deliver(Self.frame(3))
        #expect(a.nextFrame() == Self.frame(23))
        #expect(b.nextFrame() == Self.frame(103))
        #expect(c.nextFrame() == Self.frame(120))
        #expect(a.nextFrame() == Self.frame(0), "each frame is heard once")
        #expect(mixer.count == 3)
    }

    @Test func theRecorderHearsEveryoneAndIsNoParticipant() {
        let music = [Int16](repeating: 7, count: 800)
        let mixer = ConferenceMixer(waitingMusic: music)
        let a = mixer.join()
        let recorder = mixer.listen()
        #expect(mixer.count == 1, "the recorder is not counted")
        #expect(a.nextFrame() == Self.frame(7), "alone with the recorder: still the waiting music, no join cue")
        a.deliver(Self.frame(100))
        #expect(recorder.nextFrame() == Self.frame(100), "a room of one: that one's voice, no music")
        let b = mixer.join()
        for _ in 0..<12 {
            _ = a.nextFrame()
            _ = recorder.nextFrame()
        }  // past b's join cue
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        #expect(recorder.nextFrame() == Self.frame(120))
        #expect(a.nextFrame() == Self.frame(20) && b.nextFrame() == Self.frame(100), "nobody hears the recorder")
        // A task's clock may fall behind: the recorder keeps half a second, not 60 ms.
        for value in 1...10 as ClosedRange<Int16> { a.deliver(Self.frame(value)) }
        #expect((0..<10).map { _ in recorder.nextFrame() } == (1...10).map(Self.frame))
        recorder.leave()
        #expect(!recorder.isPresent && a.isPresent)
        #expect(a.nextFrame() == Self.frame(0), "no leave cue for the recorder")
    }

    @Test func framesQueueUpToThreeThenTheOldestGoes() {
        let (_, a, b, _) = Self.room()
        for value in [1, 2, 3, 4] as [Int16] { a.deliver(Self.frame(value)) }
        #expect([b.nextFrame(), b.nextFrame(), b.nextFrame(), b.nextFrame()] == [2, 3, 4, 0].map(Self.frame))
    }

    @Test func mutedIsHeardByNobodyAndLeavingDropsWhatWasQueued() {
        let (mixer, a, b, c) = Self.room()
        a.setMuted(true)
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        #expect(c.nextFrame() == Self.frame(20))
        #expect(a.nextFrame() == Self.frame(20), "a muted participant still hears")
        a.setMuted(false)
        a.deliver(Self.frame(100))
        a.leave()
        #expect(c.nextFrame() == Array(ConferenceMixer.leaveCue.prefix(160)), "only the leave cue")
        #expect(mixer.count == 2)
    }

    @Test func aModeratorsMuteIsToldToTheParticipantWithBeeps() {
        let mixer = ConferenceMixer()
        let a = mixer.join()
        let b = mixer.join()
        for _ in 0..<20 { _ = a.nextFrame() }  // past the join cue
        b.setMuted(true, telling: true)
        #expect(b.isMuted)
        // b hears one 200 ms beep of 600 Hz; a hears nothing of it.
        let heard = (0..<10).flatMap { _ in b.nextFrame() }
        #expect(Goertzel.amplitude(of: 600, in: Array(heard.prefix(1600))) > 1000)
        #expect(a.nextFrame().allSatisfy { $0 == 0 })
        b.setMuted(false, telling: true)
        let unmuted = (0..<20).flatMap { _ in b.nextFrame() }  // 320 ms of cue, and more
        // Two beeps with a gap: the gap's 20 ms frames are silent.
        #expect(Goertzel.amplitude(of: 600, in: Array(unmuted.prefix(960))) > 1000)
        #expect(unmuted[1000..<1600].allSatisfy { $0 == 0 })
        // The participant's own * (not telling) plays nothing from the mixer.
        b.setMuted(true)
        #expect(b.nextFrame().allSatisfy { $0 == 0 })
    }

    @Test func joiningAndLeavingAreHeardAsRisingAndFallingTones() {
        let mixer = ConferenceMixer()
        let a = mixer.join()
        #expect(a.nextFrame() == Self.frame(0), "nobody else: nothing")
        let b = mixer.join()
        var heard: [Int16] = []
        for _ in 0..<12 { heard += a.nextFrame() }
        #expect(heard == ConferenceMixer.joinCue && heard.count == 1920)
        #expect(Goertzel.amplitude(of: 600, in: Array(heard[0..<960])) > 1000)
        #expect(Goertzel.amplitude(of: 900, in: Array(heard[960...])) > 1000)
        #expect(b.nextFrame() == Self.frame(0), "the newcomer hears no cue of its own")
        b.leave()
        heard = []
        for _ in 0..<12 { heard += a.nextFrame() }
        #expect(heard == ConferenceMixer.leaveCue)
        b.leave()
        #expect(a.nextFrame() == Self.frame(0), "leaving twice is heard once")
    }

    @Test func aParticipantAloneHearsTheWaitingMusicUntilSomebodyComes() {
        let music = (0..<400).map { Int16($0) }
        let mixer = ConferenceMixer(waitingMusic: music)
        let a = mixer.join()
        #expect(a.nextFrame() == Array(music[0..<160]))
        #expect(a.nextFrame() == Array(music[160..<320]))
        #expect(a.nextFrame() == Array(music[320..<400] + music[0..<80]), "the music loops")
        let b = mixer.join()
        #expect(a.nextFrame() == Array(ConferenceMixer.joinCue.prefix(160)), "company: no music, the join cue")
        #expect(b.nextFrame() == Self.frame(0))
        b.leave()
        let withCue = a.nextFrame()  // alone again: the music goes on, the leave cue over it
        #expect(
            withCue
                == zip(music[80..<240], ConferenceMixer.leaveCue.prefix(160)).map {
                    Int16(clamping: Int32($0) + Int32($1))
                })
        for _ in 0..<11 { _ = a.nextFrame() }
        #expect(a.nextFrame() == Array(music[0..<160]), "(80 + 12 × 160) mod 400: the music alone")
    }

    @Test func loudVoicesAreClippedNotWrapped() {
        let (_, a, b, c) = Self.room()
        a.deliver(Self.frame(30_000))
        b.deliver(Self.frame(30_000))
        #expect(c.nextFrame() == Self.frame(Int16.max))
        a.deliver(Self.frame(-30_000))
        b.deliver(Self.frame(-30_000))
        #expect(c.nextFrame() == Self.frame(Int16.min))
    }

    @Test func aWaitingParticipantHearsMusicAndNobodyUntilLetIn() {
        let music = [Int16](repeating: 7, count: 400)
        let mixer = ConferenceMixer(waitingMusic: music)
        let (a, b, c) = (mixer.join(), mixer.join(), mixer.join())
        for port in [a, b, c] { for _ in 0..<12 { _ = port.nextFrame() } }
        b.setWaiting(true)
        #expect(b.isWaiting && !a.isWaiting)
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        c.deliver(Self.frame(3))
        #expect(b.nextFrame() == Self.frame(7), "the music only, though two others spoke")
        #expect(a.nextFrame() == Self.frame(3), "b is not heard")
        #expect(c.nextFrame() == Self.frame(100))
        b.setWaiting(false)
        a.deliver(Self.frame(100))
        b.deliver(Self.frame(20))
        let letIn = b.nextFrame()
        #expect(
            letIn
                == zip(Self.frame(100), ConferenceMixer.startCue.prefix(160)).map {
                    Int16(clamping: Int32($0) + Int32($1))
                })
        #expect(a.nextFrame() == Self.frame(20), "heard again")
    }
}
