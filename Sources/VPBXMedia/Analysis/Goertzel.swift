import Foundation

/// The Goertzel algorithm: the power of one frequency in a block of samples, in O(n) with two
/// state variables. Cheaper than an FFT when only a few frequencies matter (DTMF, tone checks).
///
/// The coefficient uses the exact frequency rather than the nearest DFT bin, so any block
/// length works.
public enum Goertzel {
    /// The amplitude (peak, in sample units) of the sine at `frequency` Hz in `samples`.
    /// A full-length sine of peak A measures ≈ A; other frequencies leak by the block's sinc.
    public static func amplitude<C: Collection>(
        of frequency: Double, in samples: C, sampleRate: Int = AudioFormat.sampleRate
    ) -> Double where C.Element == Int16 {
        guard !samples.isEmpty else { return 0 }
        let omega = 2 * Double.pi * frequency / Double(sampleRate)
        let coefficient = 2 * cos(omega)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return 2 * max(0, power).squareRoot() / Double(samples.count)
    }

    /// The power of `frequency` relative to a 0 dBm0 sine, in dB (≈ dBm0 for a steady tone).
    public static func level<C: Collection>(of frequency: Double, in samples: C) -> Double where C.Element == Int16 {
        let value = amplitude(of: frequency, in: samples)
        return value > 0 ? 20 * log10(value / Tone.zeroDBm0Peak) : -.infinity
    }
}
