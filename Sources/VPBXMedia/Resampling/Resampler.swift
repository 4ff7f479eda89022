import Foundation

/// A polyphase rational resampler with a Kaiser-windowed sinc low-pass: converts prompts from
/// 16, 44.1 or 48 kHz to 8 kHz (or any rate pair with a rational ratio).
///
/// Output sample `n` sits at input position `n·M/L` (L/M is the reduced ratio out/in, 80/441
/// for 44.1 kHz). Its value is the input convolved with a sinc whose cutoff is below the lower
/// Nyquist frequency; the L possible fractional positions each get a precomputed tap set (the
/// polyphase table). The filter passes the telephone band (to 3.4 kHz) flat and is 80 dB down
/// at the output Nyquist (4 kHz), so nothing above 4 kHz folds back into the band.
///
/// It works on whole buffers: prompts are converted once, when the administrator uploads them.
public struct Resampler: Sendable {
    /// Output samples per `decimation` input samples (the reduced ratio).
    public let interpolation: Int
    /// Input samples per `interpolation` output samples.
    public let decimation: Int
    /// Taps on each side of the output position, in input samples.
    let halfWidth: Int
    /// `interpolation` phases × `2·halfWidth` taps, phase-major.
    private let taps: [Double]

    /// Designs the filter for `inputRate` → `outputRate` (both positive).
    /// `passband` and `stopband` are in Hz: flat to the first, `attenuation` dB down from the second.
    public init(
        inputRate: Int, outputRate: Int, passband: Double = 3400, stopband: Double = 4000, attenuation: Double = 80
    ) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        let divisor = Self.gcd(inputRate, outputRate)
        interpolation = outputRate / divisor
        decimation = inputRate / divisor
        let lowerRate = Double(min(inputRate, outputRate))
        // Scale the band edges when the lower rate is not 8 kHz (keeps the general case sane).
        let scale = lowerRate / 8000
        let edgeLow = passband * scale / Double(inputRate)
        let edgeHigh = min(stopband * scale, lowerRate / 2) / Double(inputRate)
        let cutoff = (edgeLow + edgeHigh) / 2  // cycles per input sample
        let length = KaiserWindow.length(attenuation: attenuation, transition: edgeHigh - edgeLow)
        halfWidth = max(1, length / 2)
        let beta = KaiserWindow.beta(attenuation: attenuation)
        var table = [Double](repeating: 0, count: interpolation * 2 * halfWidth)
        for phase in 0..<interpolation {
            let fraction = Double(phase) / Double(interpolation)
            var sum = 0.0
            for tap in 0..<(2 * halfWidth) {
                // Input sample i + d, d = tap - halfWidth + 1, is `fraction - d` samples away.
                let distance = fraction - Double(tap - halfWidth + 1)
                let value =
                    Self.sinc(2 * cutoff * distance) * 2 * cutoff
                    * KaiserWindow.value(at: distance / Double(halfWidth), beta: beta)
                table[phase * 2 * halfWidth + tap] = value
                sum += value
            }
            // Unity gain at DC for every phase, so a constant input gives a constant output.
            for tap in 0..<(2 * halfWidth) where sum != 0 { table[phase * 2 * halfWidth + tap] /= sum }
        }
        taps = table
    }

    /// The number of output samples for `inputCount` input samples (the same duration).
    public func outputCount(for inputCount: Int) -> Int {
        (inputCount * interpolation + decimation - 1) / decimation
    }

    /// Resamples a whole signal; samples beyond either end count as zero.
    public func process(_ input: [Double]) -> [Double] {
        if interpolation == 1 && decimation == 1 { return input }
        let count = outputCount(for: input.count)
        var output = [Double](repeating: 0, count: count)
        let width = 2 * halfWidth
        input.withUnsafeBufferPointer { source in
            taps.withUnsafeBufferPointer { table in
                for n in 0..<count {
                    let position = n * decimation
                    let base = position / interpolation
                    let phase = position % interpolation
                    let first = base - halfWidth + 1
                    var sum = 0.0
                    let coefficients = phase * width
                    // Clip the tap range to the input instead of padding it.
                    let low = max(0, -first)
                    let high = min(width, source.count - first)
                    if low < high {
                        for tap in low..<high { sum += source[first + tap] * table[coefficients + tap] }
                    }
                    output[n] = sum
                }
            }
        }
        return output
    }

    /// Resamples 16-bit samples, saturating the result.
    public func process(_ input: [Int16]) -> [Int16] {
        process(input.map(Double.init)).map(Downmix.clamp)
    }

    private static func sinc(_ x: Double) -> Double {
        guard x != 0 else { return 1 }
        let angle = Double.pi * x
        return sin(angle) / angle
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
