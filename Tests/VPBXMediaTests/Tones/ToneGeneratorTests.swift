import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("Tone generator")
struct ToneGeneratorTests {
    /// Frames of a generator, each classified as sounding (true) or silent.
    private func pattern(_ tone: Tone, frames: Int) -> [Bool] {
        var generator = ToneGenerator(tone)
        return (0..<frames).map { _ in SignalLevel.rms(generator.nextFrame() ?? []) > 100 }
    }

    @Test func ringbackIsOneSecondOnFourOff() {
        let frames = pattern(.ringback, frames: 500)  // two 5 s periods
        let expected = (0..<500).map { $0 % 250 < 50 }
        #expect(frames == expected)
        var generator = ToneGenerator(.ringback)
        let burst = generator.next(8000)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: burst) - 425) <= 1)
    }

    @Test func busyIsThreeHundredMillisecondsOnAndOff() {
        #expect(pattern(.busy, frames: 60) == (0..<60).map { $0 % 30 < 15 })
    }

    @Test func congestionIsFasterThanBusy() {
        #expect(pattern(.congestion, frames: 40) == (0..<40).map { $0 % 20 < 10 })
    }

    @Test func beepIsOneKilohertzForItsLengthThenEnds() {
        var generator = ToneGenerator(.beep(milliseconds: 300))
        var samples: [Int16] = []
        while let frame = generator.nextFrame() { samples += frame }
        #expect(samples.count == 2400)
        #expect(generator.isFinished)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: samples) - 1000) <= 1)
        // -10 dBm0: a sine of peak 22288 / √10.
        #expect(abs(Goertzel.level(of: 1000, in: samples) + 10) < 0.1)
    }

    @Test func dtmfToneCarriesBothFrequencies() {
        for digit in DTMFDigit.allCases {
            var generator = ToneGenerator(.dtmf(digit, milliseconds: 100))
            let samples = generator.next(800)
            let (low, high) = digit.frequencies
            #expect(abs(Goertzel.level(of: low, in: samples) + 8) < 0.2)
            #expect(abs(Goertzel.level(of: high, in: samples) + 8) < 0.2)
            #expect(Goertzel.level(of: 1000, in: samples) < -30)
        }
    }

    @Test func silenceIsSilent() {
        var generator = ToneGenerator(.silence(milliseconds: 40))
        #expect(generator.nextFrame() == [Int16](repeating: 0, count: 160))
        #expect(generator.nextFrame() != nil)
        #expect(generator.nextFrame() == nil)
    }

    @Test func phaseIsContinuousAcrossFrames() {
        // The largest step between neighbouring samples of a 425 Hz sine at -10 dBm0 is
        // 2π·425/8000 × 7048 ≈ 2353; a phase jump at a frame edge would exceed it.
        var generator = ToneGenerator(.dial)
        var previous: Int16 = 0
        for _ in 0..<20 {
            for sample in generator.nextFrame() ?? [] {
                #expect(abs(Int(sample) - Int(previous)) <= 2360)
                previous = sample
            }
        }
    }

    @Test func continuousToneHasNoClickAtTheSecond() {
        // 1000.5 Hz does not fit a whole number of periods into the 1 s cadence period.
        var generator = ToneGenerator(Tone(frequencies: [1000.5], level: -10, cadence: .continuous))
        let samples = generator.next(8000 + 160)
        // Largest step of this sine: 2π·1000.5/8000 × 7048 ≈ 5538.
        for index in 7990..<8010 { #expect(abs(Int(samples[index]) - Int(samples[index - 1])) <= 5540) }
        #expect(abs(Goertzel.amplitude(of: 1000.5, in: samples[7900..<8100]) - 7048) < 60)
    }

    @Test func cadenceLookup() {
        let cadence = Cadence(
            [.init(onMilliseconds: 100, offMilliseconds: 50), .init(onMilliseconds: 20, offMilliseconds: 30)],
            repeats: false)
        #expect(cadence.period == 1600)
        #expect(cadence.isOn(at: 0) == true)
        #expect(cadence.isOn(at: 800) == false)
        #expect(cadence.isOn(at: 1200) == true)
        #expect(cadence.isOn(at: 1400) == false)
        #expect(cadence.isOn(at: 1600) == nil)
        #expect(Cadence([], repeats: true).isOn(at: 0) == nil)
    }
}
