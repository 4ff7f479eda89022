import Foundation

/// The Kaiser window, for designing the resampler's low-pass filter: one parameter trades
/// main-lobe width for stopband depth, with a closed-form estimate of the length needed.
enum KaiserWindow {
    /// β for a stopband attenuation of `decibels` (Kaiser's empirical formula, A > 50 dB).
    static func beta(attenuation decibels: Double) -> Double { 0.1102 * (decibels - 8.7) }

    /// Filter length (taps) for `decibels` of attenuation and a transition band of
    /// `transition` cycles per sample.
    static func length(attenuation decibels: Double, transition: Double) -> Int {
        Int(((decibels - 8) / (2.285 * 2 * Double.pi * transition)).rounded(.up)) + 1
    }

    /// The window at `position` in -1...1 (0 is the centre); 0 outside.
    static func value(at position: Double, beta: Double) -> Double {
        guard abs(position) <= 1 else { return 0 }
        return besselI0(beta * (1 - position * position).squareRoot()) / besselI0(beta)
    }

    /// Modified Bessel function of the first kind, order 0, by its power series (converges fast
    /// for the β values used here).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        let half = x / 2
        for k in 1..<64 {
            term *= (half / Double(k)) * (half / Double(k))
            sum += term
            if term < sum * 1e-16 { break }
        }
        return sum
    }
}
