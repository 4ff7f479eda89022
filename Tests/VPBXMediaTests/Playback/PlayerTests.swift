import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("Player")
struct PlayerTests {
    private let prompt = Signals.sine(600, seconds: 0.25, amplitude: 6000)  // 12.5 frames

    /// Plays until finished; returns the frames.
    private func drain(_ player: inout Player, limit: Int = 10_000) -> [[Int16]] {
        var frames: [[Int16]] = []
        while frames.count < limit, case .play(let frame) = player.nextFrame() { frames.append(frame) }
        return frames
    }

    @Test func playsItemsInOrderAndFinishes() {
        var player = Player([.prompt(prompt), .silence(milliseconds: 100), .tone(.beep(milliseconds: 200))])
        let frames = drain(&player)
        #expect(frames.count == 13 + 5 + 10)
        #expect(frames.allSatisfy { $0.count == 160 })
        let audio = frames.flatMap { $0 }
        #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(audio[0..<2000])) - 600) <= 1)
        #expect(Array(audio[2000..<2080]) == [Int16](repeating: 0, count: 80))  // padding of the last prompt frame
        #expect(SignalLevel.rms(audio[2080..<2880]) == 0)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(audio[2880...])) - 1000) <= 1)
        #expect(player.nextFrame() == .finished)
        #expect(player.isDone)
    }

    @Test func digitInterruptsABargeInItem() {
        var player = Player([.prompt(prompt), .prompt(prompt)])
        _ = player.nextFrame()
        #expect(player.receive(.five) == .interrupted(.five))
        #expect(player.nextFrame() == .finished)
        #expect(player.receive(.six) == nil)  // already over
    }

    @Test func digitIsIgnoredWhereBargeInIsOff() {
        var player = Player([.prompt(prompt, bargeIn: false), .prompt(prompt)])
        _ = player.nextFrame()
        #expect(player.receive(.one) == nil)
        #expect(player.currentItem == 0)
        for _ in 0..<13 { _ = player.nextFrame() }
        #expect(player.currentItem == 1)
        #expect(player.receive(.one) == .interrupted(.one))
    }

    @Test func endlessTonePlaysUntilStopped() {
        var player = Player([.tone(.ringback)])
        let frames = drain(&player, limit: 600)
        #expect(frames.count == 600)
        #expect(!player.isDone)
        #expect(player.receive(.star) == .interrupted(.star))
    }

    @Test func limitedToneStopsOnTime() {
        var player = Player([.tone(.busy, milliseconds: 1200)])
        #expect(drain(&player).count == 60)
    }

    @Test func emptyPlaylistFinishesAtOnce() {
        var player = Player([])
        #expect(player.nextFrame() == .finished)
        var empty = Player([.prompt([])])
        #expect(empty.nextFrame() == .finished)
    }
}
