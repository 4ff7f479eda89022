import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("Goertzel, levels and frequency")
struct AnalysisTests {
    @Test func goertzelMeasuresAmplitude() {
        let sine = Signals.sine(1000, seconds: 0.1, amplitude: 8000)
        #expect(abs(Goertzel.amplitude(of: 1000, in: sine) - 8000) < 10)
        #expect(Goertzel.amplitude(of: 1500, in: sine) < 100)
        #expect(Goertzel.amplitude(of: 1000, in: [Int16]()) == 0)
    }

    @Test func rmsAndLevels() {
        #expect(abs(SignalLevel.rms(Signals.sine(1000, seconds: 0.1, amplitude: 10_000)) - 7071) < 5)
        #expect(SignalLevel.dBm0([Int16](repeating: 0, count: 160)) == -.infinity)
        let zeroDBm0 = Signals.sine(1000, seconds: 0.1, amplitude: Tone.zeroDBm0Peak)
        #expect(abs(SignalLevel.dBm0(zeroDBm0)) < 0.05)
        #expect(SignalLevel.isSilent(Signals.noise(count: 160, amplitude: 30), threshold: -45))
        #expect(!SignalLevel.isSilent(Signals.sine(300, seconds: 0.02, amplitude: 500), threshold: -45))
    }

    @Test(arguments: [300.0, 425, 997, 1000, 2600, 3400])
    func dominantFrequencyIsFound(frequency: Double) {
        let signal = zip(Signals.sine(frequency, seconds: 0.5), Signals.noise(count: 4000, amplitude: 1000)).map {
            $0 &+ $1
        }
        #expect(abs(FrequencyEstimator.dominantFrequency(in: signal) - frequency) <= 1)
    }

    @Test("G.711 keeps a sine with about 38 dB SNR", arguments: G711.Law.allCases)
    func g711RoundTripSNR(law: G711.Law) {
        let sine = Signals.sine(1020, seconds: 0.5, amplitude: 10_000)
        let decoded = G711.decode(law, G711.encode(law, sine))
        #expect(Signals.snr(sine, decoded) > 35)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: decoded) - 1020) <= 1)
    }
}
