/// Finds the strongest frequency in a steady signal with Goertzel sweeps. Meant for tests and
/// diagnostics (is this prompt a 1 kHz beep?), not for the media path.
public enum FrequencyEstimator {
    /// Samples in the coarse sweep: 50 ms resolves 20 Hz, so 5 Hz steps cannot miss the main lobe.
    static let coarseBlock = 400
    static let coarseStep = 5.0

    /// The frequency (Hz) with the most power within `range`, to `resolution` Hz.
    /// A coarse sweep over the first 50 ms finds the neighbourhood; a fine sweep over the whole
    /// signal (sharper, since longer) pins it down.
    public static func dominantFrequency(
        in samples: [Int16], range: ClosedRange<Double> = 50...3950, resolution: Double = 1
    ) -> Double {
        let coarse = strongest(
            in: samples.prefix(coarseBlock), from: range.lowerBound, to: range.upperBound, step: coarseStep)
        let span = 8000 / Double(min(samples.count, coarseBlock))
        return strongest(
            in: samples[...], from: max(range.lowerBound, coarse - span), to: min(range.upperBound, coarse + span),
            step: max(0.01, resolution))
    }

    private static func strongest(in samples: ArraySlice<Int16>, from low: Double, to high: Double, step: Double)
        -> Double
    {
        var best = low
        var bestAmplitude = -1.0
        var frequency = low
        while frequency <= high {
            let amplitude = Goertzel.amplitude(of: frequency, in: samples)
            if amplitude > bestAmplitude {
                bestAmplitude = amplitude
                best = frequency
            }
            frequency += step
        }
        return best
    }
}
