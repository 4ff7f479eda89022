import Foundation

/// Loudness measures for silence detection and tests.
public enum SignalLevel {
    /// Root mean square of the samples (0 for none).
    public static func rms<C: Collection>(_ samples: C) -> Double where C.Element == Int16 {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// RMS relative to a 0 dBm0 sine (RMS 22288/√2), in dB; -infinity for digital silence.
    public static func dBm0<C: Collection>(_ samples: C) -> Double where C.Element == Int16 {
        let value = rms(samples)
        return value > 0 ? 20 * log10(value / (Tone.zeroDBm0Peak / 2.squareRoot())) : -.infinity
    }

    /// Whether the samples are quieter than `threshold` dBm0.
    public static func isSilent<C: Collection>(_ samples: C, threshold: Double) -> Bool where C.Element == Int16 {
        dBm0(samples) < threshold
    }
}
