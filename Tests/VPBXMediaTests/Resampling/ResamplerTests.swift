import Foundation
import Testing

@testable import VPBXMedia

@Suite("Resampling to 8 kHz")
struct ResamplerTests {
    @Test("a 1 kHz sine stays 1 kHz, as long and as loud", arguments: [8000, 16000, 44100, 48000])
    func sineKeepsFrequencyAndDuration(rate: Int) throws {
        let input = Signals.sine(1000, rate: rate, seconds: 1, amplitude: 10_000)
        let file = try WAVReader.read(wav(input, rate: rate, channels: 1), name: "sine.wav")
        let output = file.telephoneAudio()
        #expect(output.count == 8000)
        let middle = Array(output[400..<7600])  // away from the filter's edge transients
        #expect(abs(FrequencyEstimator.dominantFrequency(in: middle, resolution: 0.5) - 1000) <= 1)
        // The pass band is flat: the peak amplitude survives within 0.1 dB.
        let amplitude = Goertzel.amplitude(of: 1000, in: middle)
        #expect(abs(20 * log10(amplitude / 10_000)) < 0.1, "amplitude \(amplitude)")
    }

    @Test("telephone band edge passes", arguments: [16000, 44100, 48000])
    func bandEdgePasses(rate: Int) {
        let output = Resampler(inputRate: rate, outputRate: 8000).process(Signals.sine(3300, rate: rate, seconds: 0.5))
        let amplitude = Goertzel.amplitude(of: 3300, in: output[400..<3600])
        #expect(abs(20 * log10(amplitude / 10_000)) < 0.5)
    }

    @Test("6 kHz at 48 kHz would alias to 2 kHz; the filter removes it")
    func aliasIsAttenuated() {
        let output = Resampler(inputRate: 48000, outputRate: 8000).process(
            Signals.sine(6000, rate: 48000, seconds: 0.5))
        let alias = Goertzel.amplitude(of: 2000, in: output[400..<3600])
        #expect(20 * log10(alias / 10_000) < -70, "alias at \(20 * log10(alias / 10_000)) dB")
        #expect(SignalLevel.rms(output[400..<3600]) < 10)
    }

    @Test("just above the output Nyquist is stopped too", arguments: [16000, 44100, 48000])
    func stopbandStartsAtNyquist(rate: Int) {
        let output = Resampler(inputRate: rate, outputRate: 8000).process(Signals.sine(4100, rate: rate, seconds: 0.5))
        let alias = Goertzel.amplitude(of: 3900, in: output[400..<3600])
        #expect(20 * log10(alias / 10_000) < -60)
    }

    @Test func ratiosAreReduced() {
        let resampler = Resampler(inputRate: 44100, outputRate: 8000)
        #expect(resampler.interpolation == 80 && resampler.decimation == 441)
        #expect(resampler.outputCount(for: 44100 * 3) == 24000)
        #expect(Resampler(inputRate: 48000, outputRate: 8000).decimation == 6)
    }

    @Test func constantStaysConstant() {
        let output = Resampler(inputRate: 44100, outputRate: 8000).process([Int16](repeating: 1000, count: 4410))
        #expect(output[100..<700].allSatisfy { abs(Int($0) - 1000) <= 1 })
    }

    @Test func stereoIsAveraged() throws {
        let left = Signals.sine(1000, rate: 16000, seconds: 0.5)
        let inverted = left.map { $0 == .min ? .max : -$0 }
        let same = try WAVReader.read(wav(Signals.interleave(left, left), rate: 16000, channels: 2), name: "s.wav")
        #expect(abs(Goertzel.amplitude(of: 1000, in: same.telephoneAudio()[400..<3600]) - 10_000) < 50)
        let opposite = try WAVReader.read(
            wav(Signals.interleave(left, inverted), rate: 16000, channels: 2), name: "s.wav")
        #expect(SignalLevel.rms(opposite.telephoneAudio()) < 2)
    }

    @Test func fullScaleDoesNotWrap() {
        // A full-scale square wave overshoots after filtering (Gibbs); it must saturate, not wrap.
        let square = (0..<4800).map { ($0 / 24) % 2 == 0 ? Int16.max : Int16.min }
        let output = Resampler(inputRate: 48000, outputRate: 8000).process(square)
        #expect(output.count == 800)
        #expect(output.contains(.max) && output.contains(.min))
        // 1 kHz at 8 kHz: 8 samples a period; the middle of each half keeps its sign.
        for period in 10..<90 {
            #expect(output[8 * period + 2] > 20_000)
            #expect(output[8 * period + 6] < -20_000)
        }
    }

    @Test func emptyAndTinyInputs() {
        let resampler = Resampler(inputRate: 48000, outputRate: 8000)
        #expect(resampler.process([Int16]()) == [])
        #expect(resampler.process([Int16(100)]).count == 1)
    }

    private func wav(_ samples: [Int16], rate: Int, channels: Int) -> [UInt8] {
        var builder = WAVBuilder()
        builder.sampleRate = UInt32(rate)
        builder.channels = UInt16(channels)
        return builder.build(samples: samples)
    }
}
